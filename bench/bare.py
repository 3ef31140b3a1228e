"""The fastest this stack can be: bare python-socketio, no Flask, no database.

The same broadcast pattern as the real meeting: phones join room `d<id>`, a facilitator's
`moderate` is one `change` emit to the room, votes are counted in memory and sent as
coalesced `tally` messages every 0.25 s. Run under the same server as the app:

    gunicorn -k gevent -w 1 --worker-connections 10000 bench.bare:app
"""

import itertools
import time

import socketio

INTERVAL = 0.25

sio = socketio.Server(async_mode="gevent", max_http_buffer_size=64 * 1024)
app = socketio.WSGIApp(sio)

_seq = itertools.count(1)
_ids = itertools.count(1)
_items: dict[int, dict] = {}
_votes: dict[int, set] = {}
_dirty: set[int] = set()
_started = False


def _item(qid: int, text: str, answered: bool = False) -> dict:
    """Shaped like the app's public contribution view (about 230 bytes)."""
    return {"id": qid, "kind": "question", "text": text, "by": "Södermalm · Socialsekreterare",
            "reflection_id": None, "agenda_item_id": None,
            "votes": len(_votes.get(qid, ())), "answered": answered, "pinned": False,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())}


def _flush_loop():
    while True:
        sio.sleep(INTERVAL)
        if _dirty:
            ids = list(_dirty)
            _dirty.clear()
            sio.emit("tally", {"votes": {str(i): len(_votes.get(i, ())) for i in ids}},
                     to="d1")


@sio.event
def connect(sid, environ, auth=None):
    global _started
    if not _started:
        _started = True
        sio.start_background_task(_flush_loop)
    auth = auth if isinstance(auth, dict) else {}
    sio.enter_room(sid, "d1")
    if auth.get("as") == "facilitator":
        sio.enter_room(sid, "d1:fac")
    return True


@sio.event
def snapshot(sid, payload=None):
    return {"ok": True, "snapshot": {"seq": 0, "questions": [_item(i, q["text"])
                                                             for i, q in _items.items()]}}


@sio.event
def submit(sid, payload):
    qid = next(_ids)
    _items[qid] = {"text": str(payload.get("text", ""))[:2000], "by": sid}
    item = _item(qid, _items[qid]["text"])
    sio.emit("queue", {"type": "contribution", "data": item}, to="d1:fac")
    return {"ok": True, "item": item, "created": True}


@sio.event
def moderate(sid, payload):
    qid = payload.get("id")
    if qid not in _items:
        return {"ok": False, "error": "not_found"}
    answered = payload.get("action") == "answer"
    sio.emit("change", {"seq": next(_seq), "type": "contribution",
                        "data": _item(qid, _items[qid]["text"], answered)}, to="d1")
    return {"ok": True, "id": qid, "action": payload.get("action")}


@sio.event
def vote(sid, payload):
    qid = payload.get("question_id")
    if qid not in _items:
        return {"ok": False, "error": "not_found"}
    voters = _votes.setdefault(qid, set())
    if payload.get("on"):
        voters.add(sid)
    else:
        voters.discard(sid)
    _dirty.add(qid)
    return {"ok": True, "question_id": qid, "on": bool(payload.get("on"))}
