"""Arbitrary JSON to every socket event: only clean acknowledgements, and the room still works."""

import uuid

import pytest
from helpers_live import new_meeting, ok
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.extensions import socketio

EVENTS = ("snapshot", "submit", "vote", "stance", "moderate", "agenda", "intake", "poll",
          "results_view", "split")
CODES = {"validation", "not_authenticated", "forbidden", "not_found", "conflict",
         "rate_limited"}

scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30))
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
ids = (st.sampled_from([0, -1, 2**31, 2**63, 10**30, "²", "１", "1e3", "1.0", " 1", ""])
       | st.integers(min_value=-2, max_value=6) | st.sampled_from(["1", "2", "01"]))
known = {
    "client_id": st.text(max_size=70) | st.uuids().map(str),
    "kind": st.sampled_from(["question", "disagreement", "good_example", "QUESTION", ""]),
    "text": st.text(max_size=1100),
    "reflection_id": ids, "agenda_item_id": ids, "question_id": ids, "id": ids,
    "into_id": ids, "item_id": ids,
    "on": st.booleans() | st.sampled_from(["true", "false", "y", "", 0, 1]),
    "open": st.booleans() | st.sampled_from(["false", 0, 1]),
    "results_live": st.booleans() | st.sampled_from(["false", "nej"]),
    "value": st.sampled_from(["agree", "partly", "disagree", "unknown", "Agree", ""]),
    "view": st.sampled_from(["role", "board", "total", "ROLE", "", "all"]),
    "action": st.sampled_from(["approve", "hide", "answer", "unanswer", "pin", "unpin",
                               "merge", "edit", "start", "next", "previous", "goto", "open",
                               "close", "", "delete"]),
}
# Known keys with plausible values, known keys with any JSON at all, and anything at all.
plausible = st.fixed_dictionaries({}, optional={k: v | json_values for k, v in known.items()})
anything = (plausible | st.dictionaries(st.sampled_from(sorted(known)), json_values, max_size=6)
            | json_values)


def valid(event: str) -> dict:
    """A payload the event accepts in the fuzzed room (ids are small and exist)."""
    return {
        "snapshot": {},
        "submit": {"client_id": "fuzz-1234", "kind": "question", "text": "En fråga",
                   "reflection_id": 1, "agenda_item_id": 1},
        "vote": {"question_id": 1, "on": True},
        "stance": {"reflection_id": 1, "value": "agree"},
        "moderate": {"action": "merge", "id": 2, "into_id": 1, "text": "Ny text"},
        "agenda": {"action": "goto", "item_id": 2},
        "intake": {"open": True},
        "poll": {"action": "open", "reflection_id": 1, "results_live": False},
        "results_view": {"view": "total"},
        "split": {"reflection_id": 1},
    }[event]


def mutated(event: str):
    """A valid payload with one to three keys changed to edge values or any JSON, or dropped:
    what reaches the deep code paths, where a wrong type would do harm."""
    base = valid(event)
    own = sorted(base) or sorted(known)

    def apply(client_id, changes, drops):
        payload = {k: v for k, v in base.items() if k not in drops}
        if "client_id" in payload:  # a new id each time, or the resend answers
            payload["client_id"] = client_id
        payload.update(changes)
        return payload

    keys = st.sampled_from(own) | st.sampled_from(sorted(known))
    values = keys.flatmap(lambda k: st.tuples(st.just(k), known[k] | json_values))
    return st.builds(apply, st.uuids().map(str),
                     st.lists(values, min_size=1, max_size=3).map(dict),
                     st.sets(st.sampled_from(sorted(base) or ["-"]), max_size=1))


def payloads(event: str):
    return st.one_of(mutated(event), mutated(event), anything)


@pytest.fixture
def room(app, socket_client):
    app.config["LIVE_RATE_LIMITS"] = {kind: "100000/minute" for kind in
                                      ("submit", "vote", "stance", "snapshot")}
    meeting = new_meeting(app, socket_client)
    author = meeting.phone()
    for text in ("Första frågan", "Andra frågan"):
        ok(author.emit("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                                  "text": text}, callback=True))
    return meeting


def _clean(ack) -> None:
    assert isinstance(ack, dict), ack
    if ack.get("ok") is True:
        return
    assert ack.get("ok") is False, ack
    assert ack["error"] in CODES, ack
    assert isinstance(ack["message"], str) and ack["message"], ack


def _still_works(room, actor_socket) -> None:
    assert actor_socket.is_connected()
    ok(actor_socket.emit("snapshot", {}, callback=True))
    console = room.facilitator_socket()
    ok(console.emit("snapshot", {}, callback=True))
    ok(console.emit("intake", {"open": True}, callback=True))  # the fuzzing may have closed it
    phone = room.phone()
    assert ok(phone.emit("snapshot", {}, callback=True))["snapshot"]["me"]
    ack = ok(phone.emit("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                                   "text": "Fungerar allt fortfarande?"}, callback=True))
    assert ack["created"] is True


def test_the_fuzzed_events_are_the_registered_ones(app):
    assert set(socketio.server.handlers["/"]) - {"connect", "disconnect"} == set(EVENTS)


@pytest.mark.parametrize("who", ["participant", "facilitator"])
@pytest.mark.parametrize("event", EVENTS)
def test_arbitrary_payloads_get_clean_acknowledgements(room, event, who):
    sc = room.phone() if who == "participant" else room.facilitator_socket()

    @settings(max_examples=80, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(payload=payloads(event))
    def send(payload):
        _clean(sc.emit(event, payload, callback=True))

    send()
    _still_works(room, sc)


EDGES = [None, True, False, 0, -1, 2**31, 2**63, 10**30, -(10**30), 1.5, float("nan"),
         float("inf"), "", " ", "²", "١٢", "1e3", "0x10", "a\x00b", "x" * 5000, [], [1, 2],
         [{"a": 1}], {}, {"a": [1]}]


@pytest.mark.parametrize("who", ["participant", "facilitator"])
@pytest.mark.parametrize("event", EVENTS)
def test_edge_values_in_every_field_of_a_valid_payload(room, event, who):
    """Hypothesis draws simple values first; this sweep makes sure each field of a valid
    payload gets each kind of wrong value at least once."""
    sc = room.phone() if who == "participant" else room.facilitator_socket()
    base = valid(event)
    for key in sorted(set(base) | {"id"}):
        for value in EDGES:
            payload = {**base, key: value}
            if "client_id" in base and key != "client_id":
                payload["client_id"] = uuid.uuid4().hex
            _clean(sc.emit(event, payload, callback=True))
    _still_works(room, sc)


@pytest.mark.parametrize("event", EVENTS)
def test_extra_arguments_and_no_payload_are_clean(room, event):
    sc = room.phone()
    _clean(sc.emit(event, callback=True))
    _clean(sc.emit(event, {}, "extra", 3, callback=True))
    _clean(sc.emit(event, None, callback=True))
