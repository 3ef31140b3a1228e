"""Sharing good examples and reading the library.

A good example reaches the library only when both hold: the board agreed when it was written
(`Contribution.share_consent`, a checkbox on the form) and a facilitator of the dialogue
approved it. Everyone who works with the dialogues reads the library — IVO's facilitators,
boards (by account or review link) and participants (on the current item's themes) — and sees
the example's text, its board, its dialogue's year and its themes: never who wrote it.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..contributions.models import Contribution, ContributionKind, ContributionStatus
from ..core.clock import utcnow
from ..core.payloads import to_multidict
from ..dialogues.access import managed_dialogue
from ..dialogues.models import AgendaItem, Dialogue, DialogueStatus
from ..errors import Conflict, NotAuthenticated, NotFound, ValidationFailed
from ..extensions import db
from ..followups.reviewers import as_reviewer
from ..organizations.models import Organization
from ..participants.models import Participant
from ..themes import services as theme_services
from ..themes.models import Theme
from . import search
from .forms import LibraryFilterForm
from .models import SharedExample


def themes_of(contribution: Contribution) -> list[Theme]:
    """An example's themes: its reflection's, or those of its agenda item's reflections."""
    found: dict[int, Theme] = {}
    reflections = [contribution.reflection] if contribution.reflection else []
    if contribution.agenda_item is not None:
        reflections += contribution.agenda_item.reflections
    for reflection in reflections:
        for theme in reflection.themes:
            found[theme.id] = theme
    return sorted(found.values(), key=lambda t: (t.position, t.name))


# --- the facilitator: which of a dialogue's examples are shared --------------------------


def _example(dialogue: Dialogue, contribution_id) -> Contribution:
    try:
        contribution = db.session.get(Contribution, int(contribution_id))
    except (TypeError, ValueError):
        contribution = None
    if (contribution is None or contribution.dialogue_id != dialogue.id
            or contribution.kind != ContributionKind.GOOD_EXAMPLE):
        raise NotFound(_("Det goda exemplet finns inte i den här dialogen."))
    return contribution


def dialogue_examples(actor, dialogue_id) -> dict:
    """A dialogue's good examples with whether the board agreed and whether it is shared."""
    dialogue = managed_dialogue(actor, dialogue_id)
    examples = list(db.session.scalars(
        select(Contribution).where(Contribution.dialogue_id == dialogue.id,
                                   Contribution.kind == ContributionKind.GOOD_EXAMPLE,
                                   Contribution.merged_into_id.is_(None))
        .order_by(Contribution.created_at, Contribution.id)))
    shared = set(db.session.scalars(select(SharedExample.contribution_id).where(
        SharedExample.contribution_id.in_([c.id for c in examples]))))
    return {"dialogue": dialogue, "rows": [
        {"example": c, "shared": c.id in shared, "themes": themes_of(c),
         "board": c.participant.organization if c.participant else None,
         "shareable": _refusal(c) is None, "refusal": _refusal(c)}
        for c in examples]}


def _refusal(contribution: Contribution) -> str | None:
    if not contribution.share_consent:
        return _("Nämnden gav inte sitt medgivande till att dela exemplet när det skrevs.")
    if contribution.personal_data_flag:
        return _("Texten verkar innehålla ett personnummer och kan inte delas.")
    if contribution.status != ContributionStatus.APPROVED:
        return _("Godkänn exemplet i mötet innan det delas.")
    return None


def share(actor, dialogue_id, contribution_id) -> SharedExample:
    """Approve a good example for the library (the board agreed when writing it)."""
    dialogue = managed_dialogue(actor, dialogue_id)
    contribution = _example(dialogue, contribution_id)
    refusal = _refusal(contribution)
    if refusal:
        raise Conflict(refusal)
    existing = db.session.get(SharedExample, contribution.id)
    if existing is not None:
        return existing
    board = contribution.participant.organization_id if contribution.participant else None
    example = SharedExample(contribution_id=contribution.id, organization_id=board,
                            approved_by_id=actor.id, approved_at=utcnow())
    db.session.add(example)
    db.session.flush()
    search.index(contribution.id, contribution.text)
    audit.record("example.shared", dialogue=dialogue, user=actor, subject=contribution)
    db.session.flush()
    return example


def unshare(actor, dialogue_id, contribution_id) -> None:
    """Take a good example out of the library."""
    dialogue = managed_dialogue(actor, dialogue_id)
    contribution = _example(dialogue, contribution_id)
    example = db.session.get(SharedExample, contribution.id)
    if example is None:
        return
    db.session.delete(example)
    search.remove(contribution.id)
    audit.record("example.unshared", dialogue=dialogue, user=actor, subject=contribution)
    db.session.flush()


# --- reading the library ---------------------------------------------------------------


def require_reader(actor) -> None:
    """A facilitator, a board (account or review link) or a participant; nobody else."""
    if isinstance(actor, Participant):
        return

    as_reviewer(actor)  # raises NotAuthenticated for an anonymous or deactivated actor


def _view(example: SharedExample) -> dict:
    c = example.contribution
    dialogue = db.session.get(Dialogue, c.dialogue_id)
    when = dialogue.starts_at or dialogue.created_at
    return {"id": c.id, "text": c.text, "board": example.organization,
            "dialogue": dialogue, "year": when.year, "themes": themes_of(c)}


def _choices():
    themes = [(t.id, t.name) for t in theme_services.ordered()]
    boards = [(o.id, o.name) for o in db.session.scalars(
        select(Organization).join(SharedExample, SharedExample.organization_id == Organization.id)
        .distinct().order_by(Organization.name))]
    return themes, boards


def find(actor, query: str = "", theme_id=None, organization_id=None) -> list[dict]:
    """Shared examples, newest dialogue first: those with every word of `query` (Swedish
    full-text search), on a theme, from a board. Unshared examples are never returned."""
    require_reader(actor)
    stmt = (select(SharedExample).join(Contribution,
                                       Contribution.id == SharedExample.contribution_id)
            .join(Dialogue, Dialogue.id == Contribution.dialogue_id))
    if (query or "").strip():
        ids = search.matching_ids(query)
        if not ids:
            return []
        stmt = stmt.where(SharedExample.contribution_id.in_(ids))
    if organization_id:
        stmt = stmt.where(SharedExample.organization_id == int(organization_id))
    stmt = stmt.order_by(Dialogue.starts_at.desc(), Contribution.id.desc())
    rows = [_view(e) for e in db.session.scalars(stmt)]
    if theme_id:
        rows = [r for r in rows if any(t.id == int(theme_id) for t in r["themes"])]
    return rows


def library_page(actor, args) -> dict:
    """The library page: the filters as given and what they find."""
    require_reader(actor)
    themes, boards = _choices()
    form = LibraryFilterForm(formdata=to_multidict(args or {}), theme_choices=themes,
                             board_choices=boards)
    if args and not form.validate():
        raise ValidationFailed(_("Kontrollera sökningen."), errors=form.errors)
    results = find(actor, form.q.data or "", form.tema.data or None, form.namnd.data or None)
    searched = bool((form.q.data or "").strip())
    return {"form": form, "results": results, "searched": searched,
            "only_common_words": searched and not search.words(form.q.data)}


def for_participant(participant: Participant | None, agenda_item_id=None) -> dict:
    """Examples from other boards on the themes of the item being discussed (or of every
    reflection in the dialogue), for a participant's phone."""
    if participant is None:
        raise NotAuthenticated(_("Gå med i dialogen först."))
    dialogue = db.session.get(Dialogue, participant.dialogue_id)
    if dialogue.status in (DialogueStatus.DRAFT, DialogueStatus.ARCHIVED):
        raise NotFound(_("Dialogen är inte öppen."))
    item = None
    if str(agenda_item_id or "").isdigit():
        item = db.session.get(AgendaItem, int(agenda_item_id))
        if item is None or item.dialogue_id != dialogue.id:
            item = None
    reflections = item.reflections if item is not None else dialogue.reflections
    themes = {t.id: t for r in reflections for t in r.themes}
    rows = [r for r in find(participant)
            if r["dialogue"].id != dialogue.id and any(t.id in themes for t in r["themes"])]
    return {"dialogue": dialogue, "item": item, "themes": list(themes.values()),
            "results": rows}
