"""IVO's decision, the boards' measures and the redovisning's versions.

Every function takes the actor first: a facilitator (IVO), a board staff account or a review
link (`followups.reviewers`). IVO records the decision and reviews what a board submitted; a
board fills in its own measures and submits. Services flush; the entry point commits once.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..audit import services as audit
from ..core.clock import as_aware_utc, today_local, utcnow
from ..core.glossary import long_date
from ..core.payloads import validated
from ..dialogues.access import get_dialogue, managed_dialogue
from ..dialogues.models import Dialogue, Reflection, ReflectionKind
from ..errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ..extensions import db
from ..followups import reports
from ..followups.reviewers import Reviewer, as_reviewer, facilitator_only
from ..organizations.models import Organization
from .forms import DecisionForm, MeasureForm, ReviewForm
from .models import (
    REPORT_STATUS_LABELS,
    Decision,
    Measure,
    MeasureKind,
    MeasureStatus,
    ReportStatus,
    ReportVersion,
)

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


def measures_for(decision: Decision, organization: Organization) -> dict[int, Measure]:
    """The board's measures under the decision, by reflection id."""
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
    measures = measures_for(decision, organization)
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
        raise PermissionDenied(_("Det här är nämndens egen redovisning. IVO ser nämndernas "
                                 "redovisningar på beslutets sida."))
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
    existing = measures_for(decision, organization)
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
    saved = [_store(decision, organization, r, form, existing.get(r.id)) for r, form in forms]
    db.session.flush()
    return saved


def _store(decision: Decision, organization: Organization, reflection: Reflection,
           form: MeasureForm, measure: Measure | None) -> Measure:
    """Write a validated measure form onto the board's measure (made when there is none)."""
    if measure is None:
        measure = Measure(decision_id=decision.id, reflection_id=reflection.id,
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
    return measure


def save_measure(actor, dialogue_id, reflection_id, payload) -> Measure:
    """A board saves its measure for one required deficiency (the API's way; the page saves
    them all in one form). A deficiency not required of this board is not found."""
    _reviewer, dialogue, organization, decision = _board_scope(actor, dialogue_id)
    reflection = next((r for r in decision.requirements if str(r.id) == str(reflection_id)
                       and applies_to(r, organization, dialogue)), None)
    if reflection is None:
        raise NotFound(_("Beslutet kräver inga åtgärder av nämnden för den bristen."))
    form = validated(MeasureForm, payload)
    measure = _store(decision, organization, reflection, form,
                     measures_for(decision, organization).get(reflection.id))
    db.session.flush()
    return measure


def report_version(actor, dialogue_id, version_id) -> ReportVersion:
    """One submitted version of a redovisning: IVO reads every board's of a dialogue it
    manages, a board only its own (another board's is not found)."""
    reviewer = as_reviewer(actor)
    if reviewer is None:
        dialogue = managed_dialogue(actor, dialogue_id)
        decision = decision_for(dialogue)
        organization_id = None
    else:
        _reviewer, dialogue, organization, decision = _board_scope(reviewer, dialogue_id)
        organization_id = organization.id
    try:
        version = db.session.get(ReportVersion, int(version_id))
    except (TypeError, ValueError, OverflowError):
        version = None
    if (decision is None or version is None or version.decision_id != decision.id
            or (organization_id is not None and version.organization_id != organization_id)):
        raise NotFound(_("Redovisningen finns inte."))
    return version


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
