"""Closing a meeting fixes the minutes; drafts, fastställande and corrections as versions."""

import json

import pytest
from helpers_minutes import (
    ANSWERED,
    DISAGREEMENT,
    FLAGGED,
    FOLLOWUP_1,
    FOLLOWUP_2,
    HIDDEN,
    MERGED,
    NAME,
    PENDING,
    TITLE,
    UNANSWERED,
    build_meeting,
)
from sqlalchemy import select

from facilitator.accounts.models import User
from facilitator.core import uow
from facilitator.dialogues.models import Dialogue, DialogueStatus
from facilitator.extensions import db
from facilitator.followups import commands
from facilitator.followups.models import FollowUpItem
from facilitator.meetings.models import ItemTiming, Poll
from facilitator.minutes import compiling
from facilitator.minutes.models import Minutes, MinutesStatus


@pytest.fixture
def meeting(app, make_user):
    fac = make_user("fac@ivo.se", "Fia Facilitator")
    make_user("annan@ivo.se", "Olle Annan")
    make_user("admin@ivo.se", "Ada Admin", is_admin=True)
    built = build_meeting(db.session, [fac])
    built.fac = fac
    return built


def _close(client, auth, meeting):
    auth.login("fac@ivo.se")
    return client.post(f"/dialoger/{meeting.dialogue_id}/stang")


def _minutes(dialogue_id, version=1) -> Minutes:
    return db.session.scalar(select(Minutes).where(Minutes.dialogue_id == dialogue_id,
                                                   Minutes.version == version))


def test_closing_fixes_the_minutes(client, auth, meeting):
    response = _close(client, auth, meeting)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/dialoger/{meeting.dialogue_id}/protokoll/v1")

    dialogue = db.session.get(Dialogue, meeting.dialogue_id)
    assert dialogue.status == DialogueStatus.CLOSED and dialogue.closed_at is not None
    # The running item's time and the open poll ended.
    assert not db.session.scalars(select(ItemTiming).where(ItemTiming.ended_at.is_(None))).all()
    assert not db.session.scalars(select(Poll).where(Poll.closed_at.is_(None))).all()

    minutes = _minutes(meeting.dialogue_id)
    assert minutes.status == MinutesStatus.DRAFT
    c = minutes.content
    assert c["dialogue"]["title"] == TITLE
    assert c["dialogue"]["place_room"] == "Stora salen, Kommunhuset"

    # Attendance: counts by board and role, never a name.
    att = c["attendance"]
    assert att["total"] == 6
    rows = {r["board"]["short_name"]: r for r in att["by_board"]}
    assert [r["board"]["short_name"] for r in att["by_board"]] == ["Gnesta", "Nyköping", "IVO"]
    assert rows["Gnesta"]["by_role"] == {"socialsekreterare": 2, "chef": 1, "politiker": 0,
                                         "ivo": 0}
    assert rows["Nyköping"]["total"] == 2 and rows["Nyköping"]["by_role"]["politiker"] == 1
    assert att["by_role"] == {"socialsekreterare": 3, "chef": 1, "politiker": 1, "ivo": 1}
    assert NAME not in json.dumps(c, ensure_ascii=False)

    # Actual times: item 1 ran 10 + 5 minutes; item 2 ran about 4 minutes until the close.
    agenda = {i["title"]: i for i in c["agenda"]["items"]}
    assert agenda["Förhandsbedömningarna"]["actual_seconds"] == 15 * 60
    assert agenda["Förhandsbedömningarna"]["planned_minutes"] == 20
    assert 4 * 60 - 5 <= agenda["Barnets röst och återkoppling"]["actual_seconds"] <= 4 * 60 + 5
    assert c["agenda"]["planned_minutes"] == 35

    # Stances before and during, by role and by board.
    r1 = c["reflections"][0]
    pre, live = r1["stances"]["pre"], r1["stances"]["live"]
    assert pre["n"] == 3 and pre["total"] == {"agree": 1, "partly": 1, "disagree": 1,
                                              "unknown": 0}
    assert live["n"] == 4 and live["total"]["agree"] == 2
    # Every role and board here has fewer than 3 answers: the minutes show none of them
    # (and no pool either, which would only repeat "Alla").
    for tally in (pre, live):
        assert tally["by_role"] == [] and tally["by_board"] == []
        assert tally["withheld"] == {"by_role": True, "by_board": True}
        assert tally["min_group_size"] == 3
    assert c["reflections"][1]["stances"]["pre"]["n"] == 0

    # Questions: approved, not merged, not flagged; hidden and pending left out.
    answered = [q["text"] for q in c["questions"]["answered"]]
    unanswered = [q["text"] for q in c["questions"]["unanswered"]]
    assert answered == [ANSWERED] and unanswered == [UNANSWERED]
    assert c["questions"]["answered"][0]["votes"] == 2
    text = json.dumps(c, ensure_ascii=False)
    for left_out in (HIDDEN, FLAGGED, PENDING, MERGED):
        assert left_out not in text
    assert "participant" not in text  # no link back to a person

    # Disagreements with their reflection and board.
    [d] = c["disagreements"]
    assert d["text"] == DISAGREEMENT
    assert d["reflection_title"] == "Förhandsbedömningar dröjer längre än 14 dagar"
    assert d["board"]["short_name"] == "Nyköping"

    # Follow-up items with owner, role, due date, agreement and status.
    f = {x["title"]: x for x in c["followups"]}
    assert f[FOLLOWUP_1]["owner"]["short_name"] == "Gnesta"
    assert f[FOLLOWUP_1]["responsible_role"] == "Enhetschef barn och unga"
    assert f[FOLLOWUP_1]["due_date"] == "2027-06-30"
    assert f[FOLLOWUP_1]["agreement"] == "shared" and f[FOLLOWUP_1]["status"] == "agreed"
    assert f[FOLLOWUP_2]["owner"]["group"] == "ivo"
    assert f[FOLLOWUP_2]["agreement"] == "different"
    assert f[FOLLOWUP_2]["board_position"] == "Nämnden önskar ett kvartal."


def test_the_minutes_page_shows_everything(client, auth, meeting):
    _close(client, auth, meeting)
    page = client.get(f"/dialoger/{meeting.dialogue_id}/protokoll/v1").get_data(as_text=True)
    for expected in (TITLE, "Utkast", "Närvaro", "Nyköping", "Socialsekreterare",
                     "Förhandsbedömningarna", "15 min", "20 min", "Före mötet", "Under mötet",
                     "För få svar för att visa per grupp.",
                     "Grupper med färre än 3 svar redovisas inte separat", ANSWERED,
                     "Besvarade frågor", "Obesvarade frågor",
                     "Vi delar inte bilden", FOLLOWUP_1, "Enhetschef barn och unga",
                     "Överenskommen", "Föreslagen", "Fastställ protokollet"):
        assert expected in page, expected
    assert NAME not in page and HIDDEN not in page


def test_draft_final_and_a_correction_as_version_two(client, auth, meeting):
    _close(client, auth, meeting)
    base = f"/dialoger/{meeting.dialogue_id}/protokoll"

    # While a draft, it can be compiled again and picks up new follow-up items.
    item = db.session.get(FollowUpItem, meeting.followup_ids[0])
    item.status = "in_progress"
    db.session.commit()
    assert client.post(f"{base}/sammanstall").status_code == 302
    assert _minutes(meeting.dialogue_id).content["followups"][0]["status"] == "in_progress"

    assert client.post(f"{base}/v1/faststall").status_code == 302
    v1 = _minutes(meeting.dialogue_id)
    assert v1.status == MinutesStatus.FINAL and v1.finalized_at is not None
    fixed = json.dumps(v1.content, sort_keys=True)

    # Final: no more regenerating, and no second fastställande.
    assert client.post(f"{base}/sammanstall").status_code == 409
    assert client.post(f"{base}/v1/faststall").status_code == 409

    # A correction needs a note saying what changed.
    refused = client.post(f"{base}/rattelse", data={"note": "  "})
    assert refused.status_code == 400
    assert "Skriv vad som rättas" in refused.get_data(as_text=True)
    assert _minutes(meeting.dialogue_id, 2) is None

    fac = db.session.get(User, meeting.fac.id)
    item = db.session.get(FollowUpItem, meeting.followup_ids[0])
    commands.update_item(fac, item.id, {
        "title": "Rutin för förhandsbedömning – ändrad ägare", "owner": str(item.organization_id),
        "description": item.description, "responsible_role": "Socialchef",
        "due_date": item.due_date.isoformat(), "agreement": "shared"})
    commands.create_item(fac, meeting.dialogue_id, {
        "title": "Ny punkt efter mötet", "owner": "ivo", "responsible_role": "Nämndsekreterare",
        "agreement": "shared", "status": "proposed"})
    uow.commit()
    response = client.post(f"{base}/rattelse", data={"note": "Fel ansvarig roll på punkt 1."})
    assert response.status_code == 302 and response.headers["Location"].endswith("/v2")

    v2 = _minutes(meeting.dialogue_id, 2)
    assert v2.status == MinutesStatus.DRAFT and v2.note == "Fel ansvarig roll på punkt 1."
    titles = [f["title"] for f in v2.content["followups"]]
    assert "Ny punkt efter mötet" in titles and FOLLOWUP_1 not in titles
    # Version 1 is exactly as it was fastställd, and still readable.
    assert json.dumps(_minutes(meeting.dialogue_id, 1).content, sort_keys=True) == fixed
    old_page = client.get(f"{base}/v1").get_data(as_text=True)
    assert FOLLOWUP_1 in old_page and "Ny punkt efter mötet" not in old_page
    assert "Det finns en nyare version" in old_page
    assert "Fel ansvarig roll på punkt 1." in client.get(f"{base}/v2").get_data(as_text=True)

    # Every version is listed; a second correction waits until v2 is fastställd.
    listing = client.get(base).get_data(as_text=True)
    assert "Version 1" in listing and "Version 2" in listing and "Fastställt" in listing
    assert client.post(f"{base}/rattelse", data={"note": "En till"}).status_code == 409
    assert client.post(f"{base}/v2/faststall").status_code == 302
    assert client.post(f"{base}/rattelse", data={"note": "En till"}).status_code == 302
    assert _minutes(meeting.dialogue_id, 3).version == 3


def test_only_the_dialogues_facilitators_see_the_minutes(client, auth, meeting):
    base = f"/dialoger/{meeting.dialogue_id}"
    # Nobody logged in: to the login page, and nothing closed.
    assert client.post(f"{base}/stang").status_code == 302
    assert db.session.get(Dialogue, meeting.dialogue_id).status == DialogueStatus.LIVE

    auth.login("annan@ivo.se")
    assert client.post(f"{base}/stang").status_code == 403
    assert db.session.get(Dialogue, meeting.dialogue_id).status == DialogueStatus.LIVE
    auth.logout()

    _close(client, auth, meeting)
    auth.logout()
    urls = [f"{base}/protokoll", f"{base}/protokoll/v1", f"{base}/protokoll/v1.pdf",
            f"{base}/protokoll/v1.csv", f"{base}/protokoll/v1.json"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/logga-in" in response.headers["Location"]
    auth.login("annan@ivo.se")
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(f"{base}/protokoll/v1/faststall").status_code == 403
    assert client.post(f"{base}/protokoll/rattelse", data={"note": "x"}).status_code == 403
    auth.logout()
    auth.login("admin@ivo.se")
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get(f"{base}/protokoll/v9").status_code == 404


def test_only_a_live_meeting_can_be_closed(client, auth, meeting):
    dialogue = db.session.get(Dialogue, meeting.dialogue_id)
    dialogue.status = DialogueStatus.PUBLISHED
    db.session.commit()
    response = _close(client, auth, meeting)
    assert response.status_code == 409
    assert "Bara ett pågående möte kan stängas" in response.get_data(as_text=True)
    assert _minutes(meeting.dialogue_id) is None


def _close_by_form(client, meeting):
    return client.post(f"/dialoger/{meeting.dialogue_id}/status", data={"to_status": "closed"})


def _close_by_api(client, meeting):
    from helpers_api import bearer, token_for

    return client.post(f"/api/v1/dialogues/{meeting.dialogue_id}/transition",
                       json={"status": "closed"}, headers=bearer(token_for(meeting.fac)))


def _close_by_console(client, meeting):
    return client.post(f"/dialoger/{meeting.dialogue_id}/stang")


@pytest.mark.parametrize("door", [_close_by_form, _close_by_api, _close_by_console],
                         ids=["status-form", "api", "console"])
def test_every_door_closes_the_same_way(client, auth, meeting, door):
    from facilitator.meetings.models import Meeting

    auth.login("fac@ivo.se")
    response = door(client, meeting)
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    db.session.expire_all()
    dialogue = db.session.get(Dialogue, meeting.dialogue_id)
    assert dialogue.status == DialogueStatus.CLOSED and dialogue.closed_at is not None
    # The item timer ended, the poll and intake closed.
    assert not db.session.scalars(select(ItemTiming).where(ItemTiming.ended_at.is_(None))).all()
    assert not db.session.scalars(select(Poll).where(Poll.closed_at.is_(None))).all()
    assert db.session.get(Meeting, meeting.dialogue_id).intake_open is False
    # The minutes' first draft is there, with the running item counted until the close.
    minutes = _minutes(meeting.dialogue_id)
    assert minutes is not None and minutes.status == MinutesStatus.DRAFT
    actual = minutes.content["agenda"]["items"][1]["actual_seconds"]
    assert 4 * 60 - 5 <= actual <= 4 * 60 + 5
    page = client.get(f"/dialoger/{meeting.dialogue_id}/protokoll/v1")
    assert page.status_code == 200 and TITLE in page.get_data(as_text=True)
    assert client.get(f"/dialoger/{meeting.dialogue_id}/protokoll/v1.pdf").status_code == 200
    # One close: the audit log says so once, whatever the door.
    from facilitator.audit.models import AuditEntry

    actions = list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.dialogue_id == meeting.dialogue_id)))
    assert actions.count("dialogue.closed") == 1 and actions.count("minutes.compiled") == 1


def test_the_room_hears_status_poll_and_intake_after_the_close(client, auth, meeting,
                                                               socket_client):
    auth.login("fac@ivo.se")
    console = socket_client(auth={"dialogue": meeting.dialogue_id, "as": "facilitator"})
    seq = console.emit("snapshot", {}, callback=True)["snapshot"]["seq"]
    console.get_received()
    _close_by_form(client, meeting)
    changes = [m["args"][0] for m in console.get_received() if m["name"] == "change"]
    assert [c["type"] for c in changes] == ["status", "poll", "intake"]
    assert [c["seq"] for c in changes] == [seq + 1, seq + 2, seq + 3]
    assert changes[2]["data"] == {"open": False}


def test_the_plain_transition_refuses_closed_without_its_owner(app, meeting, monkeypatch):
    from facilitator.dialogues import lifecycle
    from facilitator.errors import Conflict

    monkeypatch.setattr(lifecycle, "STEP_OWNERS", {})
    with pytest.raises(Conflict):
        lifecycle.transition(meeting.fac, meeting.dialogue_id, DialogueStatus.CLOSED)
    db.session.rollback()
    assert db.session.get(Dialogue, meeting.dialogue_id).status == DialogueStatus.LIVE


def test_a_closed_meetings_draft_is_compiled_again_on_request(client, auth, meeting):
    from facilitator.dialogues import services as dialogues

    dialogues.transition(meeting.fac, meeting.dialogue_id, DialogueStatus.CLOSED)
    db.session.commit()  # the entry point commits
    auth.login("fac@ivo.se")
    base = f"/dialoger/{meeting.dialogue_id}/protokoll"
    assert client.post(f"{base}/sammanstall").status_code == 302
    db.session.expire_all()
    minutes = _minutes(meeting.dialogue_id)
    assert minutes.status == MinutesStatus.DRAFT and _minutes(meeting.dialogue_id, 2) is None
    # The item still running when it closed counts until the close.
    actual = minutes.content["agenda"]["items"][1]["actual_seconds"]
    assert 4 * 60 - 5 <= actual <= 4 * 60 + 5


def test_console_and_dialogue_page_lead_to_closing_and_minutes(client, auth, meeting):
    auth.login("fac@ivo.se")
    console = client.get(f"/dialoger/{meeting.dialogue_id}/mote").get_data(as_text=True)
    assert f'action="/dialoger/{meeting.dialogue_id}/stang"' in console
    assert "Stäng mötet" in console and "data-confirm" in console
    detail = client.get(f"/dialoger/{meeting.dialogue_id}").get_data(as_text=True)
    assert f"/dialoger/{meeting.dialogue_id}/protokoll" not in detail
    client.post(f"/dialoger/{meeting.dialogue_id}/stang")
    detail = client.get(f"/dialoger/{meeting.dialogue_id}").get_data(as_text=True)
    assert f'href="/dialoger/{meeting.dialogue_id}/protokoll"' in detail


def test_compile_minutes_is_plain_json(app, meeting):
    dialogue = db.session.get(Dialogue, meeting.dialogue_id)
    content = compiling.compile_minutes(dialogue)
    assert json.loads(json.dumps(content)) == content
