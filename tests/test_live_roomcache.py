"""The room's part of the snapshot is built once per change and shared by joining phones,
without ever showing a phone something older than the database allows."""

import time
import uuid

import pytest
from helpers_live import new_meeting, ok
from sqlalchemy import text

from facilitator.extensions import db
from facilitator.live import snapshots


@pytest.fixture
def meeting(app, socket_client):
    return new_meeting(app, socket_client)


@pytest.fixture
def builds(monkeypatch):
    """Counts how often the room's part is built."""
    calls = []
    real = snapshots._room

    def counting(dialogue, audience):
        calls.append(audience)
        return real(dialogue, audience)

    monkeypatch.setattr(snapshots, "_room", counting)
    return calls


def snap(sc) -> dict:
    return ok(sc.emit("snapshot", {}, callback=True))["snapshot"]


def ask(sc, text_="Hur följer ni upp förhandsbedömningarna?") -> int:
    payload = {"client_id": uuid.uuid4().hex, "kind": "question", "text": text_}
    return ok(sc.emit("submit", payload, callback=True))["item"]["id"]


def outside(sql: str, **params) -> None:
    """A write by another process: straight to the database, past this process's session."""
    with db.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_joining_phones_share_one_build_but_each_gets_its_own_part(meeting, builds):
    author = meeting.phone()
    question = ask(author)
    builds.clear()
    phones = [meeting.phone(role=role) for role in ("chef", "politiker", "arbetsledare")]
    snaps = [snap(p) for p in phones]
    assert builds == ["participant"]  # one build served all three
    assert {s["me"]["id"] for s in snaps} == {p.participant_id for p in phones}
    assert all(s["questions"][0]["id"] == question for s in snaps)
    assert all(s["mine"] == [] and s["my_votes"] == [] for s in snaps)
    assert snap(author)["mine"][0]["id"] == question


def test_every_change_of_this_process_shows_at_once(meeting, builds):
    author, voter = meeting.phone(), meeting.phone(role="chef")
    question = ask(author)
    assert [q["votes"] for q in snap(voter)["questions"]] == [0]
    # A vote takes no seq; the commit itself tells the cache.
    ok(voter.emit("vote", {"question_id": question, "on": True}, callback=True))
    assert [q["votes"] for q in snap(author)["questions"]] == [1]
    ok(voter.emit("vote", {"question_id": question, "on": False}, callback=True))
    assert [q["votes"] for q in snap(author)["questions"]] == [0]
    meeting.set(title="Nytt namn på mötet")  # an edit through the session, no seq
    assert snap(voter)["dialogue"]["title"] == "Nytt namn på mötet"


def test_another_process_change_with_a_seq_shows_at_once(meeting, builds):
    phone = meeting.phone()
    assert snap(phone)["dialogue"]["title"] != "Ändrad av en annan process"
    outside("UPDATE dialogues SET title = 'Ändrad av en annan process', seq = seq + 1 "
            "WHERE id = :id", id=meeting.dialogue_id)
    fresh = snap(phone)
    assert fresh["dialogue"]["title"] == "Ändrad av en annan process"
    assert fresh["seq"] == snap(meeting.phone())["seq"]


def test_another_process_vote_shows_within_the_cache_time(meeting, builds):
    meeting.app.config["LIVE_SNAPSHOT_CACHE_SECONDS"] = 0.3
    author, voter = meeting.phone(), meeting.phone(role="chef")
    question = ask(author)
    assert [q["votes"] for q in snap(author)["questions"]] == [0]
    outside("INSERT INTO votes (contribution_id, participant_id, created_at) "
            "VALUES (:q, :p, CURRENT_TIMESTAMP)", q=question, p=voter.participant_id)
    time.sleep(0.35)
    assert [q["votes"] for q in snap(author)["questions"]] == [1]


def test_names_in_the_cache_show_less_never_more_and_follow_within_its_age(meeting, builds):
    meeting.app.config["LIVE_SNAPSHOT_CACHE_SECONDS"] = 0.3
    author = meeting.phone(role="chef")
    ask(author)
    first = snap(author)
    assert first["questions"][0]["by"] == first["me"]["name"]
    assert "·" not in first["me"]["name"]  # the only chef of the board: the board's name only
    builds.clear()
    second_chef = meeting.phone(role="chef")  # now the role no longer singles anyone out
    # Joining changes no room part, so the question's name is the cached one: the board
    # only, which says less than it now may, never more ...
    assert {snap(p)["questions"][0]["by"] for p in (author, second_chef)} == {first["me"]["name"]}
    assert builds == []
    assert "·" in snap(second_chef)["me"]["name"]  # a phone's own name is always fresh
    time.sleep(0.35)
    # ... and once the cached part is older than its age, the names follow the room.
    names = {snap(p)["questions"][0]["by"] for p in (author, second_chef)}
    assert builds == ["participant"]
    assert len(names) == 1 and "·" in names.pop()


def test_no_cache_when_turned_off(meeting, builds):
    meeting.app.config["LIVE_SNAPSHOT_CACHE_SECONDS"] = 0
    phone = meeting.phone()
    snap(phone)
    snap(phone)
    assert builds == ["participant", "participant"]
