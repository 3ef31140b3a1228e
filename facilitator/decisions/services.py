"""IVO's decision, the boards' measures and the redovisning's versions.

Every function takes the actor first: a facilitator (IVO), a board staff account or a review
link (`followups.reviewers`). IVO records the decision and reviews what a board submitted; a
board fills in its own measures and submits. Services flush; the entry point commits once.
"""

from datetime import date

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..core.clock import as_aware_utc, today_local, utcnow
from ..core.payloads import validated
from ..dialogues.access import get_dialogue, managed_dialogue
from ..dialogues.models import Dialogue, DialogueStatus, Reflection, ReflectionKind
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..followups import reports
from ..followups.reviewers import Reviewer, as_reviewer, facilitator_only
from ..organizations.models import Organization
from .forms import DecisionForm, MeasureForm, ReviewForm
from .models import (
    KIND_LABELS,
    MEASURE_STATUS_LABELS,
    REPORT_STATUS_LABELS,
    Decision,
    Measure,
    MeasureKind,
    MeasureStatus,
    ReportStatus,
    ReportVersion,
)


def long_date(value) -> str:
    return format_date(value, "long") if value else "–"


# --- reading -------------------------------------------------------------------------------


def decision_for(dialogue: Dialogue) -> Decision | None:
    return db.session.scalar(select(Decision).where(Decision.dialogue_id == dialogue.id))


def applies_to(reflection: Reflection, organization: Organization, dialogue: Dialogue) -> bool:
    """A required deficiency concerns every board, or only the boards it names."""
    if reflection.applies_to_all:
        return organization in dialogue.organizations
    return organization in reflection.organizations


def requirement_choices(dialogue: Dialogue) -> list[tuple[int, str]]:
    """The dialogue's deficiencies (and concerns), which a decision can require measures for."""
    return [(r.id, r.title) for r in dialogue.reflections
            if r.kind in (ReflectionKind.DEFICIENCY, ReflectionKind.CONCERN)]


def _measures(decision: Decision, organization: Organization) -> dict[int, Measure]:
    return {m.reflection_id: m for m in db.session.scalars(select(Measure).where(
        Measure.decision_id == decision.id, Measure.organization_id == organization.id))}


def has_measure(measure: Measure | None) -> bool:
    return bool(measure and measure.text.strip() and measure.timetable.strip()
                and measure.responsible_role.strip())


def versions(decision: Decision, organization: Organization) -> list[ReportVersion]:
    return list(db.session.scalars(select(ReportVersion).where(
        ReportVersion.decision_id == decision.id,
        ReportVersion.organization_id == organization.id).order_by(ReportVersion.version)))


def days_left(decision: Decision, today: date | None = None) -> int:
    return (decision.report_due - (today or today_local())).days


def countdown(decision: Decision, today: date | None = None) -> str:
    """"12 dagar kvar till den 31 augusti 2027", "Sista dagen i dag", "3 dagar sedan ..."."""
    days = days_left(decision, today)
    due = long_date(decision.report_due)
    if days > 0:
        return ngettext("%(num)d dag kvar till den %(date)s",
                        "%(num)d dagar kvar till den %(date)s", days, date=due)
    if days == 0:
        return _("Sista dagen för redovisningen är i dag, %(date)s", date=due)
    return ngettext("Redovisningen skulle ha kommit in för %(num)d dag sedan (%(date)s)",
                    "Redovisningen skulle ha kommit in för %(num)d dagar sedan (%(date)s)",
                    -days, date=due)


def history(decision: Decision, organization: Organization) -> list[dict]:
    """The redovisning's steps in time order: each version submitted, IVO's answer to it."""
    steps = []
    for v in versions(decision, organization):
        steps.append({"at": as_aware_utc(v.submitted_at), "version": v.version,
                      "kind": "submitted",
                      "text": _("Version %(n)d skickades in till IVO", n=v.version),
                      "comment": ""})
        if v.reviewed_at is not None:
            text = (_("IVO bekräftade att version %(n)d är mottagen", n=v.version)
                    if v.status == ReportStatus.ACKNOWLEDGED
                    else _("IVO begärde komplettering av version %(n)d", n=v.version))
            steps.append({"at": as_aware_utc(v.reviewed_at), "version": v.version,
                          "kind": v.status.value, "text": text, "comment": v.review_comment})
    return steps


def board_decision(dialogue: Dialogue, organization: Organization) -> dict | None:
    """What the board's page shows: the decision, each required deficiency with the board's
    measure (or none yet), what still lacks a measure, the countdown and the history."""
    decision = decision_for(dialogue)
    if decision is None:
        return None
    measures = _measures(decision, organization)
    requirements = []
    for r in decision.requirements:
        if not applies_to(r, organization, dialogue):
            continue
        m = measures.get(r.id)
        requirements.append({"reflection": r, "measure": m, "done": has_measure(m)})
    missing = [req for req in requirements if not req["done"]]
    found = versions(decision, organization)
    latest = found[-1] if found else None
    return {
        "decision": decision, "requirements": requirements, "missing": len(missing),
        "missing_text": ngettext("%(num)d brist saknar åtgärd", "%(num)d brister saknar åtgärd",
                                 len(missing)) if missing else "",
        "days_left": days_left(decision), "countdown": countdown(decision),
        "versions": found, "latest": latest,
        "latest_status": str(REPORT_STATUS_LABELS[latest.status]) if latest else "",
        "changed_since": latest is not None and any(
            m.updated_at > latest.submitted_at for m in measures.values()),
        "history": history(decision, organization),
    }


def _report_part(dialogue: Dialogue, organization: Organization, report: dict) -> None:
    """Adds the decision and the board's measures to the redovisning's report structure."""
    decision = decision_for(dialogue)
    if decision is None:
        return
    measures = _measures(decision, organization)
    found = versions(decision, organization)
    report["decision"] = {
        "decided_on": long_date(decision.decided_on), "case_number": decision.case_number,
        "deadline": long_date(decision.report_due), "version_label": "",
        "requirements": [{
            "reflection_id": r.id, "title": r.title, "legal_basis": r.legal_basis or "",
            "measures": [{
                "text": m.text, "kind": str(KIND_LABELS[m.kind]), "timetable": m.timetable,
                "role": m.responsible_role, "status": str(MEASURE_STATUS_LABELS[m.status]),
                "evidence": [line for line in m.evidence.splitlines() if line.strip()],
            }] if has_measure(m := measures.get(r.id)) else [],
        } for r in decision.requirements if applies_to(r, organization, dialogue)],
        "submitted_versions": len(found),
    }


def deadlines_due(today: date, horizon: date) -> list[tuple]:
    """Boards whose redovisning is due by `horizon` (or overdue) and not yet submitted or
    sent back for additions: one reminder line each, for `flask followups remind`."""
    out = []
    for decision in db.session.scalars(select(Decision).where(Decision.report_due <= horizon)
                                       .order_by(Decision.report_due)):
        dialogue = db.session.get(Dialogue, decision.dialogue_id)
        if dialogue is None or dialogue.status == DialogueStatus.ARCHIVED:
            continue
        for org in dialogue.organizations:
            state = board_decision(dialogue, org)
            latest = state["latest"]
            if not state["requirements"] or (
                    latest is not None and latest.status != ReportStatus.ADDITIONS_REQUESTED):
                continue
            line = _("Redovisningen till IVO för %(dialogue)s (diarienummer %(case)s): %(when)s.",
                     dialogue=dialogue.title, case=decision.case_number,
                     when=countdown(decision, today))
            if state["missing"]:
                line += " " + state["missing_text"] + "."
            out.append((org, line, decision.report_due < today))
    return out


def register() -> None:
    """Let the redovisning carry the decision (followups/reports.py asks its extensions) and
    the reminders cover its deadline (followups/reminders.py)."""
    from ..followups import reminders

    if _report_part not in reports.EXTENSIONS:
        reports.EXTENSIONS.append(_report_part)
    if deadlines_due not in reminders.DEADLINES:
        reminders.DEADLINES.append(deadlines_due)


# --- IVO: the decision ---------------------------------------------------------------------


def decision_page(actor, dialogue_id) -> dict:
    """IVO's decision page: the form's choices and, per board, where its redovisning stands."""
    facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    decision = decision_for(dialogue)
    boards = []
    if decision is not None:
        for org in dialogue.organizations:
            state = board_decision(dialogue, org)
            if state["requirements"]:
                boards.append({"organization": org, **state})
    return {"dialogue": dialogue, "decision": decision, "boards": boards,
            "choices": requirement_choices(dialogue)}


def decision_export(actor, dialogue_id) -> dict:
    """The decision as plain data, with each board's state and its submitted versions."""
    page = decision_page(actor, dialogue_id)
    decision = page["decision"]
    if decision is None:
        raise NotFound(_("IVO har inte registrerat något beslut för dialogen ännu."))
    return {
        "dialogue_id": decision.dialogue_id, "decided_on": decision.decided_on.isoformat(),
        "case_number": decision.case_number, "report_due": decision.report_due.isoformat(),
        "requirement_ids": [r.id for r in decision.requirements],
        "boards": [{
            "organization_id": b["organization"].id, "name": b["organization"].name,
            "missing": b["missing"],
            "versions": [{"version": v.version, "status": v.status.value,
                          "submitted_at": as_aware_utc(v.submitted_at).isoformat(),
                          "reviewed_at": as_aware_utc(v.reviewed_at).isoformat()
                          if v.reviewed_at else None,
                          "review_comment": v.review_comment, "content": v.content}
                         for v in b["versions"]],
        } for b in page["boards"]],
    }


def record_decision(actor, dialogue_id, payload) -> Decision:
    """Record (or correct) IVO's decision: date, diarienummer, deadline, required deficiencies."""
    facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    form = validated(DecisionForm, payload, requirement_choices=requirement_choices(dialogue))
    decision = decision_for(dialogue)
    if decision is None:
        decision = Decision(dialogue_id=dialogue.id, created_by_id=actor.id)
        db.session.add(decision)
    decision.decided_on = form.decided_on.data
    decision.case_number = form.case_number.data.strip()
    decision.report_due = form.report_due.data
    chosen = set(form.requirement_ids.data)
    decision.requirements = [r for r in dialogue.reflections if r.id in chosen]
    db.session.flush()
    audit.record("decision.recorded", dialogue=dialogue, user=actor, subject=decision,
                 case_number=decision.case_number, report_due=decision.report_due.isoformat(),
                 requirements=sorted(chosen))
    return decision


def review_report(actor, dialogue_id, version_id, payload) -> ReportVersion:
    """IVO answers a submitted version: acknowledged, or additions requested (with a comment)."""
    facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    decision = decision_for(dialogue)
    try:
        version = db.session.get(ReportVersion, int(version_id))
    except (TypeError, ValueError):
        version = None
    if decision is None or version is None or version.decision_id != decision.id:
        raise NotFound(_("Redovisningen finns inte."))
    if version.reviewed_at is not None:
        raise Conflict(_("IVO har redan svarat på den här versionen."))
    latest = versions(decision, version.organization)[-1]
    if latest.id != version.id:
        raise Conflict(_("Det finns en nyare version av redovisningen. Svara på den."))
    form = validated(ReviewForm, payload)
    version.status = ReportStatus(form.outcome.data)
    version.review_comment = (form.comment.data or "").strip()
    version.reviewed_at = utcnow()
    version.reviewed_by_id = actor.id
    db.session.flush()
    audit.record("report.reviewed", dialogue=dialogue, user=actor, subject=version,
                 outcome=version.status.value, version=version.version)
    return version


# --- a board: measures and submitting ------------------------------------------------------


def _board_scope(actor, dialogue_id) -> tuple[Reviewer, Dialogue, Organization, Decision]:
    reviewer = as_reviewer(actor)
    if reviewer is None:
        facilitator_only(actor)  # pragma: no cover - as_reviewer returned None: IVO
    dialogue = get_dialogue(dialogue_id if dialogue_id is not None else reviewer.dialogue_id)
    if reviewer.dialogue_id is not None and reviewer.dialogue_id != dialogue.id:
        raise NotFound(_("Dialogen finns inte."))
    organization = db.session.get(Organization, reviewer.organization_id)
    if organization is None or organization not in dialogue.organizations:
        raise NotFound(_("Dialogen finns inte."))
    decision = decision_for(dialogue)
    if decision is None:
        raise NotFound(_("IVO har inte registrerat något beslut för dialogen ännu."))
    return reviewer, dialogue, organization, decision


def board_page(actor, dialogue_id) -> dict:
    """The board's decision page: countdown, required deficiencies, forms and history."""
    reviewer, dialogue, organization, _decision = _board_scope(actor, dialogue_id)
    return {"dialogue": dialogue, "organization": organization, "reviewer": reviewer,
            **board_decision(dialogue, organization)}


def measure_prefix(reflection_id: int) -> str:
    """The field prefix of one deficiency's measure in the board's single form."""
    return f"m{reflection_id}-"


def _blank(payload, prefix: str) -> bool:
    return not any(str(payload.get(prefix + name) or "").strip()
                   for name in ("text", "timetable", "responsible_role", "evidence"))


def save_measures(actor, dialogue_id, payload) -> list[Measure]:
    """A board saves its measures for every required deficiency in one go (one form, one
    save): a deficiency left blank is left alone; one begun must be complete. Nothing is
    stored unless every filled-in measure is valid."""
    _reviewer, dialogue, organization, decision = _board_scope(actor, dialogue_id)
    existing = _measures(decision, organization)
    forms, errors = [], {}
    for r in decision.requirements:
        if not applies_to(r, organization, dialogue):
            continue
        prefix = measure_prefix(r.id)
        if r.id not in existing and _blank(payload, prefix):
            continue
        try:
            forms.append((r, validated(MeasureForm, payload, prefix=prefix)))
        except ValidationFailed as error:
            errors.update({prefix + name: messages for name, messages in error.errors.items()})
    if errors:
        raise ValidationFailed(_("Kontrollera åtgärderna: något saknas."), errors=errors)
    saved = []
    for r, form in forms:
        measure = existing.get(r.id)
        if measure is None:
            measure = Measure(decision_id=decision.id, reflection_id=r.id,
                              organization_id=organization.id)
            db.session.add(measure)
        values = {"text": form.text.data.strip(), "kind": MeasureKind(form.kind.data),
                  "timetable": form.timetable.data.strip(),
                  "responsible_role": form.responsible_role.data.strip(),
                  "status": MeasureStatus(form.status.data),
                  "evidence": (form.evidence.data or "").strip()}
        if any(getattr(measure, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(measure, key, value)
            measure.updated_at = utcnow()
        saved.append(measure)
    db.session.flush()
    return saved


def submit_report(actor, dialogue_id) -> ReportVersion:
    """The board submits its redovisning as a fixed version (a later change is a new one).
    Refused while a required deficiency lacks a measure."""
    reviewer, dialogue, organization, decision = _board_scope(actor, dialogue_id)
    state = board_decision(dialogue, organization)
    if state["missing"]:
        raise Conflict(_("Redovisningen kan inte skickas in: %(missing)s.",
                         missing=state["missing_text"]))
    latest = state["latest"]
    if latest is not None and latest.status == ReportStatus.SUBMITTED:
        raise Conflict(_("Version %(n)d väntar på IVO. Ni kan skicka en ny version när IVO "
                         "har svarat.", n=latest.version))
    content = reports.build_report(reviewer, dialogue.id)
    version = ReportVersion(
        decision_id=decision.id, organization_id=organization.id,
        version=(latest.version + 1) if latest else 1, content=content,
        submitted_by_id=reviewer.user.id if reviewer.user is not None else None,
        review_link_id=reviewer.link.id if reviewer.link is not None else None,
        submitted_at=utcnow(),
    )
    version.content["decision"]["version_label"] = _("Version %(n)d, inskickad %(date)s",
                                                     n=version.version,
                                                     date=long_date(today_local()))
    db.session.add(version)
    db.session.flush()
    audit.record("report.submitted", dialogue=dialogue, subject=version,
                 organization=organization.id, version=version.version)
    return version
