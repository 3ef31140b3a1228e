"""How the decision reaches other features through their hooks: the redovisning carries the
decision and the board's measures (`followups/reports.EXTENSIONS`), and the reminders cover the
redovisning's deadline (`followups/reminders.DEADLINES`)."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..dialogues.models import Dialogue, DialogueStatus
from ..extensions import db
from ..followups import reminders, reports
from ..organizations.models import Organization
from .models import KIND_LABELS, MEASURE_STATUS_LABELS, Decision, ReportStatus
from .services import (
    applies_to,
    board_decision,
    countdown,
    decision_for,
    has_measure,
    long_date,
    measures_for,
    versions,
)


def _report_part(dialogue: Dialogue, organization: Organization, report: dict) -> None:
    """Adds the decision and the board's measures to the redovisning's report structure."""
    decision = decision_for(dialogue)
    if decision is None:
        return
    measures = measures_for(decision, organization)
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
    if _report_part not in reports.EXTENSIONS:
        reports.EXTENSIONS.append(_report_part)
    if deadlines_due not in reminders.DEADLINES:
        reminders.DEADLINES.append(deadlines_due)
