"""Builds the trace of a reflection (for IVO) or of a follow-up item (for IVO and the
owning board): every step in time order, as plain JSON-able data for the page and the export.

What a step shows comes from the features that own it: the stances summed as the minutes sum
them (`minutes/compiling`), only the questions and disagreements that are on the record, the
follow-up items' history, the decision's measures and the submitted redovisning versions.
A board's trace holds its own items, measures and versions only.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from ..contributions.models import KIND_LABELS as CONTRIBUTION_LABELS
from ..contributions.models import Contribution, ContributionKind, Phase, Stance
from ..core.clock import as_aware_utc
from ..decisions import services as decisions
from ..decisions.models import MEASURE_STATUS_LABELS, Measure, ReportStatus, ReportVersion
from ..dialogues.access import managed_dialogue
from ..dialogues.models import KIND_LABELS, Reflection
from ..errors import NotFound
from ..extensions import db
from ..followups.commands import event_author, status_label
from ..followups.models import FollowUpItem, SourceKind
from ..followups.reviewers import as_reviewer, item_for
from ..meetings.models import Poll
from ..minutes.compiling import _participants as participants_of
from ..minutes.compiling import _public as on_record
from ..minutes.compiling import _tally as tally
from ..minutes.presentation import _stance_rows as stance_rows
from ..minutes.presentation import group_label, withheld_text
from ..organizations.models import Organization


def _at(value) -> str | None:
    return as_aware_utc(value).isoformat(timespec="seconds") if value else None


def _step(kind: str, at, title: str, **fields) -> dict:
    return {"kind": kind, "at": _at(at), "title": title, "text": fields.pop("text", ""),
            **fields}


def _stances(dialogue, reflection, participants, phase) -> dict:
    found = list(db.session.scalars(select(Stance).where(
        Stance.reflection_id == reflection.id, Stance.phase == phase)))
    counted = tally(dialogue, found, participants)  # under the small-group rule
    return {"n": counted["n"], "rows": stance_rows(counted),
            "withheld": withheld_text(counted)}


def _item_steps(item: FollowUpItem) -> list[dict]:
    steps = [_step("followup", item.created_at, _("Uppföljningspunkt: %(title)s",
                                                  title=item.title),
                   item_id=item.id, owner=item.organization.name if item.organization else "IVO",
                   role=item.responsible_role or "", due=item.due_date.isoformat()
                   if item.due_date else None)]
    for event in item.events:
        if event.kind == "status":
            steps.append(_step("status", event.created_at, _(
                "%(title)s: %(from)s → %(to)s", title=item.title,
                **{"from": status_label(event.from_status) if event.from_status else "–",
                   "to": status_label(event.to_status)}),
                text=event.comment, who=event_author(event), item_id=item.id))
        elif event.kind in ("comment", "evidence") and event.comment:
            steps.append(_step(event.kind, event.created_at, item.title, text=event.comment,
                               who=event_author(event), item_id=item.id))
    for evidence in item.evidence:
        steps.append(_step("evidence", evidence.created_at, _("Underlag: %(title)s",
                                                              title=item.title),
                           text=" – ".join(p for p in (evidence.filename, evidence.url,
                                                       evidence.text) if p),
                           item_id=item.id))
    return steps


def build_trace(reflection: Reflection, organization: Organization | None = None,
                only_item: FollowUpItem | None = None) -> dict:
    """The reflection's path; for a board (`organization`) only its own outcomes."""
    dialogue = reflection.dialogue
    participants = participants_of(dialogue)
    steps = [_step("created", reflection.created_at, _("Reflektionen skrevs"),
                   text=reflection.evidence or "")]
    if dialogue.published_at:
        steps.append(_step("published", dialogue.published_at,
                           _("Publicerad i förhandsmaterialet")))
    pre = _stances(dialogue, reflection, participants, Phase.PRE)
    steps.append(_step("stances_pre", dialogue.started_at or dialogue.published_at,
                       _("Samsyn före mötet (%(n)d svar)", n=pre["n"]), table=pre["rows"],
                       withheld=pre["withheld"]))
    for c in db.session.scalars(select(Contribution).where(
            Contribution.reflection_id == reflection.id,
            Contribution.kind.in_([ContributionKind.QUESTION, ContributionKind.DISAGREEMENT]))
            .order_by(Contribution.created_at, Contribution.id)):
        if not on_record(c):
            continue
        p = participants.get(c.participant_id)
        board = group_label({"group": "board", "id": p.organization.id,
                             "name": p.organization.name,
                             "short_name": p.organization.short_name}
                            ) if p is not None and p.organization is not None else ""
        steps.append(_step(c.kind.value, c.created_at, str(CONTRIBUTION_LABELS[c.kind]),
                           text=c.text, who=board))
    for poll in db.session.scalars(select(Poll).where(Poll.reflection_id == reflection.id)
                                   .order_by(Poll.opened_at)):
        steps.append(_step("poll", poll.opened_at, _("Omröstningen under mötet öppnades")))
        if poll.closed_at:
            steps.append(_step("poll_closed", poll.closed_at,
                               _("Omröstningen under mötet stängdes")))
    live = _stances(dialogue, reflection, participants, Phase.LIVE)
    steps.append(_step("stances_live", dialogue.closed_at or dialogue.started_at,
                       _("Samsyn under mötet (%(n)d svar)", n=live["n"]), table=live["rows"],
                       withheld=live["withheld"]))
    items = select(FollowUpItem).where(FollowUpItem.source_kind == SourceKind.REFLECTION,
                                       FollowUpItem.source_id == reflection.id)
    if organization is not None:
        items = items.where(FollowUpItem.organization_id == organization.id)
    if only_item is not None:
        items = items.where(FollowUpItem.id == only_item.id)
    for item in db.session.scalars(items.order_by(FollowUpItem.id)):
        steps += _item_steps(item)
    decision = decisions.decision_for(dialogue)
    if decision is not None and reflection in decision.requirements:
        steps.append(_step("decision", decision.created_at, _(
            "IVO:s beslut (%(case)s) kräver åtgärder, redovisas senast %(date)s",
            case=decision.case_number, date=decisions.long_date(decision.report_due))))
        measures = select(Measure).where(Measure.decision_id == decision.id,
                                         Measure.reflection_id == reflection.id)
        versions = select(ReportVersion).where(ReportVersion.decision_id == decision.id)
        if organization is not None:
            measures = measures.where(Measure.organization_id == organization.id)
            versions = versions.where(ReportVersion.organization_id == organization.id)
        for m in db.session.scalars(measures):
            steps.append(_step("measure", m.updated_at, _(
                "Åtgärd från %(board)s (%(status)s)", board=m.organization.name,
                status=MEASURE_STATUS_LABELS[m.status]), text=m.text, timetable=m.timetable,
                role=m.responsible_role))
        for v in db.session.scalars(versions.order_by(ReportVersion.submitted_at)):
            reported = [r for r in (v.content.get("decision") or {}).get("requirements", [])
                        if r.get("reflection_id") == reflection.id]
            if not reported:
                continue
            steps.append(_step("report_submitted", v.submitted_at, _(
                "%(board)s skickade in redovisningen, version %(n)d",
                board=v.organization.name, n=v.version),
                text=" ".join(m["text"] for m in reported[0]["measures"])))
            if v.reviewed_at:
                title = (_("IVO bekräftade att version %(n)d är mottagen", n=v.version)
                         if v.status == ReportStatus.ACKNOWLEDGED
                         else _("IVO begärde komplettering av version %(n)d", n=v.version))
                steps.append(_step("report_" + v.status.value, v.reviewed_at, title,
                                   text=v.review_comment))
    steps.sort(key=lambda s: (s["at"] or ""))
    return {
        "reflection": {"id": reflection.id, "title": reflection.title,
                       "kind": reflection.kind.value,
                       "kind_label": str(KIND_LABELS[reflection.kind]),
                       "legal_basis": reflection.legal_basis or "",
                       "evidence": reflection.evidence or ""},
        "dialogue": {"id": dialogue.id, "title": dialogue.title},
        "board": organization.name if organization is not None else None,
        "steps": steps,
    }


def reflection_trace(actor, dialogue_id, reflection_id) -> dict:
    """IVO's trace of one reflection in a dialogue it manages."""
    dialogue = managed_dialogue(actor, dialogue_id)
    reflection = next((r for r in dialogue.reflections if str(r.id) == str(reflection_id)),
                      None)
    if reflection is None:
        raise NotFound(_("Reflektionen finns inte."))
    return build_trace(reflection)


def item_trace(actor, item_id) -> dict:
    """The trace of a follow-up item: its reflection's path with this item's own history; a
    board sees only its own outcomes on it."""
    item, reviewer = item_for(actor, item_id)
    if item.source_kind != SourceKind.REFLECTION or item.source_id is None:
        reflection = None
    else:
        reflection = db.session.get(Reflection, item.source_id)
    organization = item.organization if as_reviewer(actor) is not None else None
    if reflection is None:
        trace = {"reflection": None, "dialogue": {"id": item.dialogue.id,
                                                  "title": item.dialogue.title},
                 "board": organization.name if organization else None,
                 "steps": sorted(_item_steps(item), key=lambda s: s["at"] or "")}
    else:
        trace = build_trace(reflection, organization, only_item=item)
    trace["item"] = {"id": item.id, "title": item.title}
    return trace
