"""Reading a board's history, and bringing an earlier deficiency into a new dialogue.

Who reads what: IVO's facilitators read the dialogues they may manage (admins: all), like
every other page across dialogues (`dialogues.access.visible`); a board — through its staff
account or a review link — reads only its own history, and never a draft.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..contributions.models import STANCE_LABELS, Phase, Stance, StanceValue
from ..core import groups
from ..decisions.models import Decision, ReportVersion
from ..dialogues import services as dialogue_services
from ..dialogues.access import managed_dialogue, visible
from ..dialogues.models import (
    Dialogue,
    DialogueStatus,
    Reflection,
    ReflectionKind,
    dialogue_organizations,
)
from ..errors import NotFound
from ..extensions import db
from ..followups.commands import status_label
from ..followups.models import FollowUpItem, FollowUpStatus, SourceKind
from ..followups.reviewers import as_reviewer
from ..organizations.models import Organization
from ..participants.models import ROLE_LABELS, Participant
from ..themes.models import Theme

#: A dialogue whose meeting has been held.
HELD = (DialogueStatus.LIVE, DialogueStatus.CLOSED, DialogueStatus.ARCHIVED)

#: What counts as a deficiency in a board's history: a brist, or IVO's oro.
DEFICIENT = (ReflectionKind.DEFICIENCY, ReflectionKind.CONCERN)


def concerns(reflection: Reflection, organization_id: int) -> bool:
    """Whether a reflection concerns a board (every board, or this one named)."""
    return reflection.applies_to_all or any(o.id == organization_id
                                            for o in reflection.organizations)


def _when(dialogue: Dialogue):
    return dialogue.starts_at or dialogue.created_at


def year(dialogue: Dialogue) -> int:
    return _when(dialogue).year


def _board_dialogues(actor, organization_id: int) -> tuple[list[Dialogue], object]:
    """The dialogues a board took part in that `actor` may read, oldest first."""
    reviewer = as_reviewer(actor)
    query = (select(Dialogue)
             .join(dialogue_organizations, dialogue_organizations.c.dialogue_id == Dialogue.id)
             .where(dialogue_organizations.c.organization_id == organization_id))
    if reviewer is None:
        query = query.where(visible(actor, Dialogue.id))
    else:
        query = query.where(Dialogue.status != DialogueStatus.DRAFT)
    dialogues = list(db.session.scalars(query))
    dialogues.sort(key=lambda d: (_when(d), d.id))
    return dialogues, reviewer


def _items(dialogue_ids: list[int], organization_id: int) -> dict[int, list[FollowUpItem]]:
    if not dialogue_ids:
        return {}
    rows = db.session.scalars(
        select(FollowUpItem).where(FollowUpItem.dialogue_id.in_(dialogue_ids),
                                   FollowUpItem.organization_id == organization_id)
        .order_by(FollowUpItem.created_at, FollowUpItem.id))
    out: dict[int, list[FollowUpItem]] = defaultdict(list)
    for item in rows:
        out[item.dialogue_id].append(item)
    return out


def _decision(dialogue_id: int, organization_id: int) -> tuple[Decision | None, list]:
    """IVO's decision after the dialogue and the board's submitted redovisning versions."""
    decision = db.session.scalar(select(Decision).where(Decision.dialogue_id == dialogue_id))
    if decision is None:
        return None, []
    return decision, list(db.session.scalars(
        select(ReportVersion).where(ReportVersion.decision_id == decision.id,
                                    ReportVersion.organization_id == organization_id)
        .order_by(ReportVersion.version)))


def _stances(dialogue_ids: list[int], organization_id: int) -> dict:
    """What may be shown of the board's stances: (reflection id, phase) -> (the board's
    counts by role, its roles as the small-group rule lets them be shown beside the room's
    results, or None when the room's results leave the board out). Every participant's
    stance is read: the rule weighs the board's figures against the whole room's."""
    if not dialogue_ids:
        return {}
    rows = db.session.execute(
        select(Stance.reflection_id, Stance.phase, Stance.value, Participant.role,
               Participant.organization_id)
        .join(Participant, Participant.id == Stance.participant_id)
        .where(Stance.dialogue_id.in_(dialogue_ids)))
    cells: dict = {}
    for reflection_id, phase, value, role, org_id in rows:
        cell = cells.setdefault((reflection_id, Phase(phase)), {}).setdefault(
            (str(org_id), str(role)), {})
        cell[str(value)] = cell.get(str(value), 0) + 1
    out: dict = {}
    key = str(organization_id)
    for where, room in cells.items():
        mine = {role: counts for (board, role), counts in room.items() if board == key}
        if mine:
            out[where] = (mine, groups.protect_release(room).within.get(key))
    return out


def board_stance(by_role: dict | None, within: "groups.Breakdown | None" = None,
                 left_out: bool = False) -> dict | None:
    """The board's stance on one deficiency in one phase, under the small-group rule: the
    board's total only when it has at least the limit's answers and the room's results show
    the board (not `left_out`), its roles only as `within` (checked against the room's
    results; by default `groups.protect` on the board alone) lets them be shown. None when
    no one of the board answered."""
    if not by_role:
        return None
    total: dict[str, int] = {}
    for counts in by_role.values():
        for value, count in counts.items():
            total[value] = total.get(value, 0) + count
    n = groups.size(total)
    values = [v.value for v in StanceValue]
    if n < groups.min_group_size() or left_out:
        return {"n": n, "withheld": True, "rows": []}
    roles = within if within is not None else groups.protect(by_role, total)
    rows = [{"label": _("Nämnden"), "counts": [total.get(v, 0) for v in values], "n": n}]
    for key in sorted(roles.groups, key=groups.role_sort_key):
        label = _("Övriga") if key == groups.OTHER else str(ROLE_LABELS.get(key, key))
        counts = roles.groups[key]
        rows.append({"label": label, "counts": [counts.get(v, 0) for v in values],
                     "n": groups.size(counts)})
    return {"n": n, "withheld": False, "rows": rows,
            "labels": [str(STANCE_LABELS[v]) for v in StanceValue]}


def _board_stance(found: tuple | None) -> dict | None:
    if found is None:
        return None
    mine, within = found
    return board_stance(mine, within, left_out=within is None)


def _from_reflection(item: FollowUpItem, reflection: Reflection) -> bool:
    return item.source_kind == SourceKind.REFLECTION and item.source_id == reflection.id


def board_history(actor, organization_id=None) -> dict:
    """A board's dialogues in time order, each with its deficiencies by theme and the
    follow-up items that came of them; and per theme, the years it was a deficiency."""
    reviewer = as_reviewer(actor)
    if reviewer is not None:
        organization_id = reviewer.organization_id
    try:
        organization = db.session.get(Organization, int(organization_id))
    except (TypeError, ValueError):
        organization = None
    if organization is None:
        raise NotFound(_("Nämnden finns inte."))
    dialogues, reviewer = _board_dialogues(actor, organization.id)
    items = _items([d.id for d in dialogues], organization.id)
    stances = _stances([d.id for d in dialogues], organization.id)
    entries = []
    by_theme: dict[int, dict] = {}
    for dialogue in dialogues:
        deficiencies = []
        tied = set()
        for reflection in dialogue.reflections:
            if reflection.kind not in DEFICIENT or not concerns(reflection, organization.id):
                continue
            mine = [i for i in items.get(dialogue.id, []) if _from_reflection(i, reflection)]
            tied.update(i.id for i in mine)
            stance = {phase: _board_stance(stances.get((reflection.id, phase)))
                      for phase in (Phase.PRE, Phase.LIVE)}
            deficiencies.append({"reflection": reflection, "items": mine,
                                 "stance": {p: v for p, v in stance.items() if v}})
            for theme in reflection.themes:
                row = by_theme.setdefault(theme.id, {"theme": theme, "years": []})
                if year(dialogue) not in row["years"]:
                    row["years"].append(year(dialogue))
        decision, reports = _decision(dialogue.id, organization.id)
        entries.append({
            "dialogue": dialogue, "year": year(dialogue), "deficiencies": deficiencies,
            "decision": decision, "reports": reports,
            "other_items": [i for i in items.get(dialogue.id, []) if i.id not in tied],
            "positives": [r for r in dialogue.reflections if r.kind == ReflectionKind.POSITIVE
                          and concerns(r, organization.id)],
        })
    themes = sorted(by_theme.values(), key=lambda row: (-len(row["years"]),
                                                        row["theme"].position))
    return {"organization": organization, "entries": entries, "themes": themes,
            "reviewer": reviewer}


# --- the recurring deficiencies offered when a new dialogue is prepared ------------------


@dataclass
class Offer:
    """A board's earlier deficiencies on one theme, and the latest of them to bring in."""

    organization: Organization
    theme: Theme
    earlier: list[dict] = field(default_factory=list)  # {reflection, dialogue, year, items}
    brought_in: Reflection | None = None

    @property
    def years(self) -> list[int]:
        return sorted({e["year"] for e in self.earlier})

    @property
    def latest(self) -> Reflection:
        return self.earlier[-1]["reflection"]

    @property
    def recurring(self) -> bool:
        return len({e["dialogue"].id for e in self.earlier}) > 1

    def summary(self) -> str:
        """E.g. "Återkommande brist: barnets inställning, 2016 och 2019; åtgärd 2016
        redovisad som genomförd"."""
        years = [str(y) for y in self.years]
        when = years[0] if len(years) == 1 else _("%(list)s och %(last)s",
                                                    list=", ".join(years[:-1]), last=years[-1])
        if self.recurring:
            head = _("Återkommande brist: %(theme)s, %(years)s",
                     theme=self.theme.name.lower(), years=when)
        else:
            head = _("Tidigare brist: %(theme)s, %(years)s", theme=self.theme.name.lower(),
                     years=when)
        outcomes = []
        for entry in self.earlier:
            for item in entry["items"]:
                outcomes.append(_outcome(item, entry["year"]))
        if not outcomes:
            return head + "; " + _("ingen åtgärd följdes upp")
        return head + "; " + "; ".join(outcomes)


def _outcome(item: FollowUpItem, when: int) -> str:
    if item.status == FollowUpStatus.DONE:
        return _("åtgärd %(year)s redovisad som genomförd", year=when)
    if item.status == FollowUpStatus.NOT_DONE:
        return _("åtgärd %(year)s redovisad som ej genomförd", year=when)
    return _("åtgärd %(year)s: %(status)s", year=when, status=status_label(item.status).lower())


def recurring_deficiencies(actor, dialogue_id) -> list[Offer]:
    """For each board of a dialogue being prepared: its deficiencies on each theme in the
    earlier dialogues `actor` may read, oldest first, with how their follow-up ended."""
    dialogue = managed_dialogue(actor, dialogue_id)
    origins = {r.origin.id: r for r in dialogue.reflections if r.origin is not None}
    offers: list[Offer] = []
    for organization in dialogue.organizations:
        earlier, _reviewer = _board_dialogues(actor, organization.id)
        # Only meetings that were held: a deficiency shared for an upcoming one is not history.
        earlier = [d for d in earlier if d.id != dialogue.id and d.status in HELD
                   and _when(d) < _when(dialogue)]
        items = _items([d.id for d in earlier], organization.id)
        by_theme: dict[int, Offer] = {}
        for past in earlier:
            for reflection in past.reflections:
                if reflection.kind not in DEFICIENT or not concerns(reflection, organization.id):
                    continue
                mine = [i for i in items.get(past.id, []) if _from_reflection(i, reflection)]
                for theme in reflection.themes:
                    offer = by_theme.setdefault(theme.id, Offer(organization, theme))
                    offer.earlier.append({"reflection": reflection, "dialogue": past,
                                          "year": year(past), "items": mine})
                    if reflection.id in origins:
                        offer.brought_in = origins[reflection.id]
        offers.extend(sorted(by_theme.values(),
                             key=lambda o: (not o.recurring, o.theme.position, o.theme.name)))
    return offers


def recurring_for_page(dialogue: Dialogue) -> list[Offer]:
    """The offer for the reflections page (a template global): only while preparing."""
    if dialogue.status in (DialogueStatus.CLOSED, DialogueStatus.ARCHIVED):
        return []
    return recurring_deficiencies(current_user, dialogue.id)


def bring_in(actor, dialogue_id, reflection_id, organization_id=None) -> Reflection:
    """A new reflection in the dialogue from an earlier deficiency: its text, legal basis and
    themes copied, linked to it, concerning the board it was found at."""
    dialogue = managed_dialogue(actor, dialogue_id)
    data = dialogue_services.reflection_copy_data(actor, dialogue.id, reflection_id)
    origin = db.session.get(Reflection, data["origin_id"])
    boards = [o.id for o in dialogue.organizations]
    board = int(organization_id) if str(organization_id or "").isdigit() else None
    if board is None:
        shared = [o.id for o in origin.dialogue.organizations if o.id in boards
                  and concerns(origin, o.id)]
        board = shared[0] if len(shared) == 1 else None
    if board in boards and len(boards) > 1:
        data.update(applies_to_all=False, organization_ids=[board])
    # The earlier evidence is the earlier supervision's; this one's is written anew.
    data["evidence"] = ""
    return dialogue_services.create_reflection(actor, dialogue.id, data)
