"""The decision's rules: only IVO records and reviews, a board sees and writes only its own
measures, half a measure stores nothing, submitted versions are fixed, additions lead to a
new version, and the reminders cover the redovisning's deadline."""

from datetime import date, timedelta

import pytest
from helpers_followups import make_link, make_world

from facilitator.core.clock import today_local
from facilitator.decisions import services
from facilitator.decisions.models import ReportStatus
from facilitator.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from facilitator.extensions import db
from facilitator.followups import reminders
from facilitator.followups.reviewers import Reviewer, reviewer_for_token

MEASURE = {"text": "Veckovis genomgång", "kind": "taken", "timetable": "Från 1 mars",
           "responsible_role": "Enhetschef", "status": "in_progress", "evidence": "Rutin.pdf"}


def _measure(reflection_id, **changes):
    prefix = services.measure_prefix(reflection_id)
    return {prefix + key: value for key, value in {**MEASURE, **changes}.items()}


@pytest.fixture
def world(app):
    world = make_world()
    services.record_decision(world.facilitator, world.dialogue_id, {
        "decided_on": today_local().isoformat(), "case_number": "8.5-1/2026",
        "report_due": (today_local() + timedelta(days=10)).isoformat(),
        "requirement_ids": [str(world.reflection_id)]})
    db.session.commit()
    return world


def test_only_ivo_records_and_a_board_only_reaches_its_own(world):
    gnesta = reviewer_for_token(make_link(world, world.gnesta_id))
    with pytest.raises(PermissionDenied):
        services.record_decision(gnesta, world.dialogue_id, {})
    with pytest.raises(PermissionDenied):
        services.decision_page(world.outsider, world.dialogue_id)
    # A link for one dialogue reaches no other dialogue.
    with pytest.raises(NotFound):
        services.board_page(gnesta, world.dialogue_id + 1)
    services.save_measures(gnesta, world.dialogue_id, _measure(world.reflection_id))
    db.session.commit()
    nykoping = Reviewer(organization_id=world.nykoping_id)
    page = services.board_page(nykoping, world.dialogue_id)
    assert page["missing"] == 1 and page["requirements"][0]["measure"] is None


def test_half_a_measure_stores_nothing_and_says_what_is_missing(world):
    gnesta = Reviewer(organization_id=world.gnesta_id)
    with pytest.raises(ValidationFailed) as error:
        services.save_measures(gnesta, world.dialogue_id,
                               _measure(world.reflection_id, timetable=""))
    assert list(error.value.errors) == [services.measure_prefix(world.reflection_id) + "timetable"]
    db.session.rollback()
    assert services.board_page(gnesta, world.dialogue_id)["missing"] == 1


def test_versions_are_fixed_and_additions_lead_to_the_next(world):
    gnesta = Reviewer(organization_id=world.gnesta_id)
    with pytest.raises(Conflict):
        services.submit_report(gnesta, world.dialogue_id)  # a deficiency lacks a measure
    services.save_measures(gnesta, world.dialogue_id, _measure(world.reflection_id))
    first = services.submit_report(gnesta, world.dialogue_id)
    db.session.commit()
    with pytest.raises(Conflict):
        services.submit_report(gnesta, world.dialogue_id)  # waiting for IVO
    with pytest.raises(ValidationFailed):  # additions need a comment
        services.review_report(world.facilitator, world.dialogue_id, first.id,
                               {"outcome": "additions_requested", "comment": ""})
    services.review_report(world.facilitator, world.dialogue_id, first.id,
                           {"outcome": "additions_requested", "comment": "Bifoga rutinen."})
    db.session.commit()
    services.save_measures(gnesta, world.dialogue_id,
                           _measure(world.reflection_id, text="Veckovis genomgång, ny rutin"))
    second = services.submit_report(gnesta, world.dialogue_id)
    db.session.commit()
    assert second.version == 2
    measures = lambda v: v.content["decision"]["requirements"][0]["measures"][0]["text"]  # noqa: E731
    assert measures(first) == "Veckovis genomgång"  # the first version did not change
    assert measures(second) == "Veckovis genomgång, ny rutin"
    decision = services.decision_for(services.get_dialogue(world.dialogue_id))
    steps = [s["kind"] for s in services.history(decision, first.organization)]
    assert steps == ["submitted", ReportStatus.ADDITIONS_REQUESTED.value, "submitted"]
    with pytest.raises(Conflict):  # only the latest version is answered
        services.review_report(world.facilitator, world.dialogue_id, first.id,
                               {"outcome": "acknowledged"})


def test_reminders_cover_the_deadline_until_submitted(world):
    today = today_local()
    due = {e["organization"].short_name: e for e in reminders.reminders_due(today, 14)}
    assert {"Gnesta", "Nyköping"} <= set(due)
    line = due["Gnesta"]["deadlines"][0][0]
    assert "8.5-1/2026" in line and "10 dagar kvar" in line and "1 brist saknar åtgärd" in line
    assert "8.5-1/2026" in reminders.reminder_text({"sv": due["Gnesta"]}, today)
    assert not any("deadlines" in e for e in reminders.reminders_due(date(2000, 1, 1), 0))
    gnesta = Reviewer(organization_id=world.gnesta_id)
    services.save_measures(gnesta, world.dialogue_id, _measure(world.reflection_id))
    services.submit_report(gnesta, world.dialogue_id)
    db.session.commit()
    due = {e["organization"].short_name: e for e in reminders.reminders_due(today, 14)}
    assert "deadlines" not in due.get("Gnesta", {}) and due["Nyköping"]["deadlines"]
