"""The trace of a finding: one deficiency of the Gnesta demo followed from publishing to an
acknowledged redovisning, every step on its trace page and in the JSON export; a board's
trace of its item shows its own outcomes and nothing of another board's."""

import json

import factories as make
import pytest
from helpers_outcomes import DISAGREEMENT, EVIDENCE_URL, PROGRESS, QUESTION, demo_meeting

from facilitator.core import uow
from facilitator.core.clock import today_local
from facilitator.decisions import services as decisions
from facilitator.followups import links

MEASURE = "Veckovis genomgång av förhandsbedömningar; rutinen beslutad i nämnden."


@pytest.fixture
def gnesta(app, auth, make_user):
    return _gnesta(auth, make_user)


def _lone_politician(dialogue, first):
    """One politician joins before the meeting and disagrees in the pre-read."""
    board = dialogue.organizations[0]
    make.stance(make.join(dialogue, board.id, "politiker"), first.id, "disagree")


@pytest.fixture
def gnesta_with_a_lone_politician(app, auth, make_user):
    return _gnesta(auth, make_user, before_meeting=_lone_politician)


def _gnesta(auth, make_user, before_meeting=None):
    meeting = demo_meeting(make_user, "Gnesta", before_meeting=before_meeting)
    fac = meeting.facilitator
    first = meeting.deficiencies[0]
    board = next(iter(meeting.boards.values()))
    decisions.record_decision(fac, meeting.dialogue_id, {
        "decided_on": today_local().isoformat(), "case_number": "8.5-4711/2019",
        "report_due": today_local().isoformat(),
        "requirement_ids": [str(first.id)]})
    uow.commit()
    _link, token = links.create_review_link(fac, meeting.dialogue_id,
                                            {"organization_id": board.id, "days": 30})
    uow.commit()
    from facilitator.followups.reviewers import reviewer_for_token

    reviewer = reviewer_for_token(token)
    prefix = decisions.measure_prefix(first.id)
    decisions.save_measures(reviewer, meeting.dialogue_id, {
        prefix + "text": MEASURE, prefix + "kind": "taken", prefix + "timetable": "Från maj",
        prefix + "responsible_role": "Enhetschef", prefix + "status": "done"})
    version = decisions.submit_report(reviewer, meeting.dialogue_id)
    uow.commit()
    decisions.review_report(fac, meeting.dialogue_id, version.id, {"outcome": "acknowledged"})
    uow.commit()
    auth.login("demo@ivo.se")
    meeting.token = token
    meeting.first = first
    return meeting


#: In time order (the helper's question and disagreement are written as the poll is open).
STEPS = ("Publicerad i förhandsmaterialet", "Samsyn före mötet (6 svar)",
         "Omröstningen under mötet öppnades", QUESTION, DISAGREEMENT,
         "Omröstningen under mötet stängdes",
         "Samsyn under mötet (6 svar)", "Uppföljningspunkt: Åtgärda", PROGRESS, EVIDENCE_URL,
         "IVO:s beslut (8.5-4711/2019) kräver åtgärder", MEASURE,
         "skickade in redovisningen, version 1", "IVO bekräftade att version 1 är mottagen")


def test_one_deficiency_from_publishing_to_an_acknowledged_redovisning(gnesta, client):
    base = f"/dialoger/{gnesta.dialogue_id}/reflektioner/{gnesta.first.id}/spar"
    page = client.get(base).get_data(as_text=True)
    positions = []
    for step in STEPS:
        assert step in page, step
        positions.append(page.index(step))
    # in time order: publishing first, IVO's acknowledgement last, each step in its place
    found = sorted(zip(positions, STEPS, strict=True))
    assert positions == sorted(positions), "\n".join(step for _at, step in found)

    body = json.loads(client.get(f"{base}.json").data)
    assert body["reflection"]["id"] == gnesta.first.id
    text = json.dumps(body, ensure_ascii=False)
    for step in STEPS:
        assert step in text, step
    kinds = [s["kind"] for s in body["steps"]]
    assert kinds[0] == "created" and kinds[-1] == "report_acknowledged"
    assert [s["at"] for s in body["steps"]] == sorted(s["at"] for s in body["steps"])
    pre = next(s for s in body["steps"] if s["kind"] == "stances_pre")
    assert {row["group"] for row in pre["table"]} == {"all", "role", "board"}


def test_the_board_sees_the_trace_of_its_own_item(gnesta, app):
    item_id = gnesta.followup_ids[0]
    board = app.test_client()
    page = board.get(f"/granskning/{gnesta.token}/punkt/{item_id}/spar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert MEASURE in html and "IVO bekräftade att version 1 är mottagen" in html
    body = json.loads(board.get(f"/granskning/{gnesta.token}/punkt/{item_id}/spar.json").data)
    assert body["item"]["id"] == item_id and body["board"]
    # An item of another dialogue or board is not found through this link.
    assert board.get(f"/granskning/{gnesta.token}/punkt/999999/spar").status_code == 404


def test_the_api_gives_the_trace_and_the_decision(gnesta, app, make_user):
    from helpers_api import bearer, token_for

    headers = bearer(token_for(gnesta.facilitator))
    api = app.test_client()
    base = f"/api/v1/dialogues/{gnesta.dialogue_id}"
    trace = api.get(f"{base}/reflections/{gnesta.first.id}/trace", headers=headers).json
    assert trace["steps"][-1]["kind"] == "report_acknowledged"
    decision = api.get(f"{base}/decision", headers=headers).json
    assert decision["case_number"] == "8.5-4711/2019"
    assert decision["boards"][0]["versions"][0]["status"] == "acknowledged"
    outsider = bearer(token_for(make_user("olle@ivo.se", "Olle Utanför")))
    assert api.get(f"{base}/decision", headers=outsider).status_code == 403
    assert api.get(f"{base}/decision").status_code == 401


def test_the_trace_keeps_the_small_group_rule(gnesta_with_a_lone_politician, client):
    """One politician's stance counts in "Alla" but is never shown as a group of its own, on
    the page or in the export."""
    gnesta = gnesta_with_a_lone_politician
    base = f"/dialoger/{gnesta.dialogue_id}/reflektioner/{gnesta.first.id}/spar"
    body = json.loads(client.get(f"{base}.json").data)
    pre = next(s for s in body["steps"] if s["kind"] == "stances_pre")
    assert pre["title"] == "Samsyn före mötet (7 svar)"
    rows = {row["label"]: row["n"] for row in pre["table"]}
    assert rows["Alla"] == 7 and "Politiker" not in rows
    assert all(n >= 3 for n in rows.values()), rows
    page = client.get(base).get_data(as_text=True)
    assert "Samsyn före mötet (7 svar)" in page and "Politiker" not in page
