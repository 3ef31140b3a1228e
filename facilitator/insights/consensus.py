"""Where the room agrees, and where its groups split: a figure per reflection.

The formula (also on the page /om-samsyn, which facilitators read):

- Each group (a role group, and separately a board) that the small-group rule lets be shown
  (`core.groups.protect_cells`; "Övriga" counts as a group) gets a *smoothed share agreeing*:
  ``a = (håller med + ½·delvis + 1) / (håller med + delvis + håller inte med + 2)``.
  "Vet inte" is not a lean either way and is left out. The +1/+2 (Laplace smoothing, as in
  Polis' group-aware consensus) pulls a small group's share towards ½, so that three people
  who agree weigh less than thirty.
- **Samsyn** (how far every group leans the same way) is the weakest group's lean:
  ``max(min a, min (1 − a))`` over the groups. Near 1: every group agrees (or every group
  disagrees); near ½ or below: at least one group is undecided or leans the other way.
- **Splittring** (how far groups split) is the distance between the group that agrees most
  and the group that agrees least, ``max a − min a``, taken along roles and along boards,
  whichever is wider. Those two groups are named ("politiker mot socialsekreterare").

The reflections with the widest split come first: "att prata om". The live poll's stances
are used where the meeting has them, the pre-read's otherwise. Without at least two groups
that may be shown there is no split to tell, and the reflection says so.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..contributions.models import Phase, Stance
from ..core.groups import OTHER, ROLE_ORDER, protect_cells
from ..dialogues.access import managed_dialogue
from ..dialogues.models import Dialogue, Reflection
from ..extensions import db
from ..organizations.models import Organization
from ..participants.models import ROLE_LABELS, Participant

#: A split at least this wide is worth talking about.
WORTH_TALKING = 0.3

#: The two ways a room is grouped: by role, and separately by board.
AXES_ALL = ("role", "board")


@dataclass
class Group:
    """One shown group's lean."""

    axis: str  # "role" or "board"
    key: str
    label: str
    n: int  # answers in the group, "vet inte" included
    share: float  # the smoothed share agreeing
    counts: dict = field(default_factory=dict)  # the group's answers per stance value

    @property
    def phrase(self) -> str:
        """The label inside a sentence: roles and "övriga" in lower case, boards as named."""
        return self.label if self.axis == "board" and self.key != OTHER else self.label.lower()


@dataclass
class ReflectionConsensus:
    reflection: Reflection
    phase: Phase | None
    n: int
    groups: list[Group] = field(default_factory=list)
    consensus: float | None = None
    split: float | None = None
    most: Group | None = None  # the group that agrees most, on the widest axis
    least: Group | None = None

    @property
    def worth_talking(self) -> bool:
        return self.split is not None and self.split >= WORTH_TALKING

    @property
    def lean(self) -> str | None:
        """"agree" or "disagree": the way the room leans together, where it does."""
        if self.consensus is None or not self.groups:
            return None
        agree = min(g.share for g in self.groups)
        return "agree" if agree >= 1 - max(g.share for g in self.groups) else "disagree"


def smoothed_share(counts: dict[str, int]) -> float:
    """The share agreeing, with "delvis" as half and Laplace smoothing (+1/+2)."""
    agree = counts.get("agree", 0) + counts.get("partly", 0) / 2
    decided = counts.get("agree", 0) + counts.get("partly", 0) + counts.get("disagree", 0)
    return (agree + 1) / (decided + 2)


def _label(axis: str, key: str) -> str:
    if key == OTHER:
        return _("Övriga")
    if axis == "role":
        try:
            return str(ROLE_LABELS[key])
        except KeyError:
            return key
    return key


def _order(axis: str, key: str):
    if key == OTHER:
        return (2, "")
    if axis == "role":
        return (0, ROLE_ORDER.index(key)) if key in ROLE_ORDER else (1, key)
    return (0, key)


def _rows(dialogue_id: int):
    return db.session.execute(
        select(Stance.reflection_id, Stance.phase, Stance.value, Participant.role,
               Organization.short_name)
        .join(Participant, Participant.id == Stance.participant_id)
        .outerjoin(Organization, Organization.id == Participant.organization_id)
        .where(Stance.dialogue_id == dialogue_id)
    ).all()


def _score(reflection: Reflection, phase: Phase | None, answers: list[tuple],
           axes: tuple[str, ...] = AXES_ALL) -> ReflectionConsensus:
    result = ReflectionConsensus(reflection, phase, len(answers))
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for value, role, board in answers:
        counts = cells.setdefault((board or "IVO", role), {})
        counts[value] = counts.get(value, 0) + 1
    # Roles and boards protected together: side by side they must not give a small group
    # away either (a board minus a role only it has).
    roles, boards = protect_cells(cells)
    spans = []
    for axis, shown in (("role", roles.groups), ("board", boards.groups)):
        if axis not in axes:
            continue
        axis_groups = [Group(axis, key, _label(axis, key), sum(c.values()), smoothed_share(c),
                             dict(c))
                       for key, c in sorted(shown.items(), key=lambda kv: _order(axis, kv[0]))]
        result.groups += axis_groups
        if len(axis_groups) >= 2:
            most = max(axis_groups, key=lambda g: g.share)
            least = min(axis_groups, key=lambda g: g.share)
            spans.append((most.share - least.share, most, least))
    if result.groups:
        shares = [g.share for g in result.groups]
        result.consensus = max(min(shares), 1 - max(shares))
    if spans:
        result.split, result.most, result.least = max(spans, key=lambda s: s[0])
    return result


def for_dialogue(dialogue: Dialogue,
                 axes: tuple[str, ...] = AXES_ALL) -> list[ReflectionConsensus]:
    """Every reflection of the dialogue with its consensus, the widest split first; groups
    along `axes` only (the room sees boards only where the dialogue shows them).

    Reflections without a split to tell (no stances, or fewer than two groups large enough
    to show) come last, in the dialogue's order.
    """
    answers: dict[tuple[int, Phase], list[tuple]] = {}
    for reflection_id, phase, value, role, board in _rows(dialogue.id):
        answers.setdefault((reflection_id, phase), []).append(
            (str(value), str(role), board))
    results = []
    for reflection in dialogue.reflections:
        phase = next((p for p in (Phase.LIVE, Phase.PRE) if answers.get((reflection.id, p))),
                     None)
        results.append(_score(reflection, phase, answers.get((reflection.id, phase), []),
                              axes))
    return sorted(results, key=lambda r: (r.split is None, -(r.split or 0),
                                          r.reflection.position, r.reflection.id))


def for_managed_dialogue(user, dialogue_id) -> tuple[Dialogue, list[ReflectionConsensus]]:
    """The dialogue and its figures, for a facilitator who may manage it (else NotFound or
    PermissionDenied)."""
    dialogue = managed_dialogue(user, dialogue_id)
    return dialogue, for_dialogue(dialogue)


def for_reflection(dialogue: Dialogue, reflection_id: int | None,
                   axes: tuple[str, ...] = AXES_ALL) -> ReflectionConsensus | None:
    """One reflection's figure, or None when the dialogue has no such reflection."""
    return next((r for r in for_dialogue(dialogue, axes) if r.reflection.id == reflection_id),
                None)


def to_talk_about(dialogue: Dialogue) -> list[ReflectionConsensus]:
    """The reflections whose groups split widely enough to talk about, widest first."""
    return [r for r in for_dialogue(dialogue) if r.worth_talking]


def as_dict(result: ReflectionConsensus) -> dict:
    """The figure as plain data (JSON exports, the projector)."""
    def group(g: Group | None):
        return None if g is None else {"axis": g.axis, "key": g.key, "label": g.label,
                                       "phrase": g.phrase, "n": g.n,
                                       "share": round(g.share, 3), "counts": g.counts}

    return {"reflection_id": result.reflection.id, "title": result.reflection.title,
            "phase": result.phase.value if result.phase else None, "n": result.n,
            "consensus": None if result.consensus is None else round(result.consensus, 3),
            "split": None if result.split is None else round(result.split, 3),
            "worth_talking": result.worth_talking, "most": group(result.most),
            "least": group(result.least), "groups": [group(g) for g in result.groups]}
