"""Questions, disagreements, good examples and stances; the pre-read; the preparation summary.

The live meeting calls the same services over sockets: `submit_contribution`, `set_stance`,
`visible_contributions`.
"""

from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ..core import groups, signals
from ..core.clock import utcnow
from ..core.payloads import to_multidict, validated
from ..dialogues.access import managed_dialogue
from ..dialogues.models import AgendaItem, Dialogue, DialogueStatus, Reflection
from ..errors import Conflict, PermissionDenied, ValidationFailed
from ..extensions import db
from ..participants import services as participant_services
from ..participants.forms import NO_BOARD
from ..participants.models import Participant
from ..privacy import contains_personal_number
from .forms import FORMS, StanceForm, new_client_id
from .models import (
    KIND_LABELS,
    STANCE_LABELS,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Phase,
    Stance,
    StanceValue,
)

OPEN = (DialogueStatus.PUBLISHED, DialogueStatus.LIVE)
#: Stance values that mean the meeting needs to talk about a reflection.
DOUBT = (StanceValue.DISAGREE, StanceValue.PARTLY)


def _require_participant(participant: Participant | None) -> Dialogue:
    if participant is None:
        raise PermissionDenied(
            _("Gå med i dialogen först: öppna länken eller skriv koden du har fått.")
        )
    dialogue = participant.dialogue
    if dialogue.status not in OPEN:
        raise Conflict(_("Dialogen tar inte emot frågor eller svar just nu."))
    return dialogue


def _phase(dialogue: Dialogue) -> Phase:
    return Phase.LIVE if dialogue.status == DialogueStatus.LIVE else Phase.PRE


def _own_item(model, item_id, dialogue: Dialogue, field: str, message: str):
    """A reflection or agenda item by id, only if it belongs to this dialogue."""
    if item_id is None:
        return None
    # An id too large for the integer column is simply not found (not a database error).
    item = db.session.get(model, item_id) if 0 < item_id < 2**31 else None
    if item is None or item.dialogue_id != dialogue.id:
        raise ValidationFailed(message, errors={field: [message]})
    return item


# --- submitting ------------------------------------------------------------------------


def submit_contribution(participant: Participant | None, payload,
                        looked_up: bool = False) -> tuple[Contribution, bool]:
    """Store a question, disagreement or good example; (stored item, created). Flushes; the
    caller (the page's route, the socket event wrapper) commits.

    The same `client_id` twice returns the stored item, never a duplicate. A text that
    seems to hold a personnummer is stored, flagged and kept for facilitators only.
    `looked_up`: the caller has already looked for a stored item with this client id (a
    phone's resend skips the meeting's checks), so it is not read a second time; the
    unique constraint still catches two at once.
    """
    dialogue = _require_participant(participant)
    data = to_multidict(payload)
    try:
        kind = ContributionKind(data.get("kind") or ContributionKind.QUESTION.value)
    except ValueError:
        raise ValidationFailed(
            _("Okänd sorts bidrag."), errors={"kind": [_("Okänd sort.")]}
        ) from None
    client_id = (data.get("client_id") or "").strip()
    if client_id and not looked_up:
        existing = _by_client_id(client_id)
        if existing is not None:
            return _resent(existing, participant)
    form = validated(FORMS[kind], data)
    client_id = form.client_id.data or new_client_id()
    reflection = _own_item(
        Reflection, form.reflection_id.data, dialogue, "reflection_id",
        _("Reflektionen finns inte i den här dialogen."),
    )
    agenda_item = _own_item(
        AgendaItem, form.agenda_item_id.data, dialogue, "agenda_item_id",
        _("Punkten finns inte på dialogens dagordning."),
    )
    flagged = contains_personal_number(form.text.data)
    approved = not dialogue.premoderation and not flagged
    contribution = Contribution(
        client_id=client_id, dialogue_id=dialogue.id, participant_id=participant.id, kind=kind,
        text=form.text.data, reflection_id=reflection.id if reflection else None,
        agenda_item_id=agenda_item.id if agenda_item else None,
        status=ContributionStatus.APPROVED if approved else ContributionStatus.PENDING,
        personal_data_flag=flagged, phase=_phase(dialogue),
        share_consent=kind == ContributionKind.GOOD_EXAMPLE and bool(form.share_consent.data),
    )
    db.session.add(contribution)
    try:
        db.session.flush()
    except IntegrityError:
        # The same id arrived twice at once: the other request stored it. The item is the
        # action's only write, so the whole transaction goes and the stored one is answered.
        db.session.rollback()
        existing = _by_client_id(client_id)
        if existing is None:
            raise
        return _resent(existing, participant)
    # The room is told once the caller's commit has stored it (live/ records it on the unit
    # of work).
    signals.contribution_submitted.send(contribution)
    return contribution, True


def _by_client_id(client_id: str) -> Contribution | None:
    return db.session.scalar(select(Contribution).where(Contribution.client_id == client_id))


def _resent(existing: Contribution, participant: Participant) -> tuple[Contribution, bool]:
    if existing.participant_id != participant.id:
        raise Conflict(_("Det här bidraget har redan skickats från en annan enhet."))
    return existing, False


def set_stance(participant: Participant | None, payload) -> Stance:
    """Set (or change) the participant's stance on a reflection; phase "pre" before the
    meeting, "live" during it unless the payload names the phase."""
    dialogue = _require_participant(participant)
    form = validated(StanceForm, payload)
    reflection = _own_item(
        Reflection, form.reflection_id.data, dialogue, "reflection_id",
        _("Reflektionen finns inte i den här dialogen."),
    )
    phase = _phase(dialogue)
    if form.phase.data:
        try:
            phase = Phase(form.phase.data)
        except ValueError:
            raise ValidationFailed(_("Okänd fas."), errors={"phase": [_("Okänd fas.")]}) from None
        if phase == Phase.LIVE and dialogue.status != DialogueStatus.LIVE:
            raise Conflict(_("Mötet har inte börjat än."))
    value = StanceValue(form.value.data)
    # One statement, so the same answer from two tabs at once is one row, not a conflict.
    table = Stance.__table__
    insert = (postgresql_insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite_insert)(table)
    db.session.execute(
        insert.values(dialogue_id=dialogue.id, reflection_id=reflection.id,
                      participant_id=participant.id, phase=phase, value=value,
                      updated_at=utcnow())
        .on_conflict_do_update(index_elements=[table.c.participant_id, table.c.reflection_id,
                                               table.c.phase],
                               set_={"value": value, "updated_at": utcnow()}))
    return db.session.scalar(select(Stance).where(
        Stance.participant_id == participant.id, Stance.reflection_id == reflection.id,
        Stance.phase == phase).execution_options(populate_existing=True))


# --- reading -------------------------------------------------------------------------


def visible_contributions(dialogue: Dialogue, viewer_participant: Participant | None = None):
    """What a participant may see: approved, unflagged items, plus their own (not hidden)."""
    shown = and_(
        Contribution.status == ContributionStatus.APPROVED,
        Contribution.personal_data_flag.is_(False),
    )
    if viewer_participant is not None and viewer_participant.dialogue_id == dialogue.id:
        shown = or_(
            shown,
            and_(
                Contribution.participant_id == viewer_participant.id,
                Contribution.status != ContributionStatus.HIDDEN,
            ),
        )
    return list(
        db.session.scalars(
            select(Contribution)
            .where(
                Contribution.dialogue_id == dialogue.id, Contribution.merged_into_id.is_(None),
                shown,
            )
            .order_by(Contribution.created_at, Contribution.id)
        )
    )


def preread(participant: Participant | None) -> dict:
    """Everything the pre-read page shows a joined participant."""
    dialogue = _require_participant(participant)
    items = visible_contributions(dialogue, participant)
    names = participant_services.display_names(dialogue.id)
    stances = {
        s.reflection_id: s.value
        for s in db.session.scalars(
            select(Stance).where(
                Stance.participant_id == participant.id, Stance.phase == _phase(dialogue)
            )
        )
    }
    by_reflection: dict[int | None, list] = {}
    for item in items:
        by_reflection.setdefault(item.reflection_id, []).append(item)
    return {
        "dialogue": dialogue,
        "participant": participant,
        "me": names.get(participant.id, ""),
        "names": names,
        "stances": stances,
        "by_reflection": by_reflection,
        "general": by_reflection.get(None, []),
        "own_client_ids": [c.client_id for c in items if c.participant_id == participant.id],
        "can_change_profile": participant_services.can_change_profile(participant),
    }


# --- the preparation summary -----------------------------------------------------------


def _tally(rows) -> dict:
    counts = Counter(rows)
    total = sum(counts.values())
    cells = []
    for value in StanceValue:
        n = counts.get(value, 0)
        share = round(100 * n / total) if total else 0
        cells.append({"value": value.value, "label": STANCE_LABELS[value], "count": n,
                      "percent": share, "width": 5 * round(share / 5)})
    return {"cells": cells, "total": total,
            "doubt": sum(counts.get(v, 0) for v in DOUBT)}


def _protected_rows(stances, participants, boards) -> tuple[list, list, str]:
    """Rows by role and by board under the small-group rule (`core/groups.py`), and what the
    summary says of a breakdown it leaves out."""
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for s in stances:
        p = participants[s.participant_id]
        cell = cells.setdefault((str(p.organization_id), p.role.value), {})
        cell[s.value.value] = cell.get(s.value.value, 0) + 1
    roles, by_board = groups.protect_cells(cells)

    def rows(breakdown, keys_labels):
        out = [{"label": label, **_tally(_values(breakdown.groups[key]))}
               for key, label in keys_labels if key in breakdown.groups]
        if groups.OTHER in breakdown.groups:
            out.append({"label": _("Övriga"), **_tally(_values(breakdown.groups[groups.OTHER]))})
        return out

    role_rows = rows(roles, [(role, participant_services.role_label(role))
                             for role in sorted(roles.groups, key=groups.role_sort_key)
                             if role != groups.OTHER])
    board_rows = rows(by_board, [(str(org_id), label) for org_id, label in boards])
    return role_rows, board_rows, groups.withheld_text(len(stances), roles.withheld,
                                                        by_board.withheld)


def _values(counts: dict[str, int]) -> list[StanceValue]:
    return [StanceValue(v) for v, n in counts.items() for _i in range(n)]


def preparation_summary(actor, dialogue_id) -> dict:
    """Stances per reflection by role group and by board, and the questions and
    disagreements so far; for the dialogue's facilitators and admins."""
    dialogue = managed_dialogue(actor, dialogue_id)
    participants = {
        p.id: p for p in db.session.scalars(
            select(Participant).where(Participant.dialogue_id == dialogue.id)
        )
    }
    names = participant_services.display_names(dialogue.id)
    stances = list(db.session.scalars(
        select(Stance).where(Stance.dialogue_id == dialogue.id, Stance.phase == Phase.PRE)
    ))
    contributions = list(db.session.scalars(
        select(Contribution)
        .where(Contribution.dialogue_id == dialogue.id, Contribution.merged_into_id.is_(None))
        .order_by(Contribution.created_at, Contribution.id)
    ))
    boards = [(org.id, org.short_name) for org in dialogue.organizations]
    # A board later removed from the dialogue still has its participants' answers.
    known = {org_id for org_id, _name in boards}
    for p in participants.values():
        if p.organization is not None and p.organization_id not in known:
            boards.append((p.organization_id, p.organization.short_name))
            known.add(p.organization_id)
    if any(p.organization_id is None for p in participants.values()):
        boards.append((None, _("Ingen nämnd / IVO")))

    reflections = []
    for reflection in dialogue.reflections:
        mine = [s for s in stances if s.reflection_id == reflection.id]
        by_role, by_board, withheld = _protected_rows(mine, participants, boards)
        items = [c for c in contributions if c.reflection_id == reflection.id]
        disagreements = [c for c in items if c.kind == ContributionKind.DISAGREEMENT]
        total = _tally([s.value for s in mine])
        share = total["doubt"] / total["total"] if total["total"] else 0
        reflections.append({
            "reflection": reflection, "total": total, "by_role": by_role, "by_board": by_board,
            "withheld": withheld,
            "contributions": items, "disagreements": len(disagreements),
            # Talk about it when a third doubts it, or when someone disagreed in writing.
            "talk": bool(disagreements) or (total["total"] > 0 and share >= 1 / 3),
            "score": (len(disagreements), share, total["doubt"]),
        })
    to_talk = sorted((r for r in reflections if r["talk"]), key=lambda r: r["score"],
                     reverse=True)
    general = [c for c in contributions if c.reflection_id is None]
    return {
        "dialogue": dialogue, "reflections": reflections, "to_talk": to_talk,
        "general": general, "names": names, "participant_count": len(participants),
        "kind_labels": KIND_LABELS, "no_board": NO_BOARD,
        "small_group_note": groups.note(),
        "counts": Counter(c.kind for c in contributions),
    }

