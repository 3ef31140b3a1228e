"""The clients' reorder window (static/js/live-core.js, run under Node): a change that comes
before its predecessor waits for it and both are applied in seq order without a snapshot; a
change that is really lost makes the client take one snapshot once the window has passed.
And a connect refused for a passing reason (`retry`) is tried again; no other refusal is."""

import json
import shutil
import subprocess

import pytest
from conftest import ROOT

#: A socket that answers every snapshot with `snapSeq`, and live-core.js loaded on it.
SNAPSHOT_SOCKET = r"""
const fs = require("fs");
const handlers = {};
let snapshots = 0, snapSeq = 10;
const socket = {
  connected: true, active: true,
  on(name, fn) { handlers[name] = fn; },
  timeout() { return this; },
  emit(event, payload, ack) {
    if (event !== "snapshot") { return; }
    snapshots += 1;
    ack(null, {ok: true, snapshot: {seq: snapSeq}});
  },
};
global.window = {io: () => socket, sessionStorage: {getItem: () => null, setItem() {}},
                 crypto: {randomUUID: () => "x"}, setTimeout, clearTimeout};
new Function("window", fs.readFileSync(process.argv[2], "utf8"))(global.window);
"""

HARNESS = SNAPSHOT_SOCKET + r"""
const applied = [];
const live = new window.AterforingLive.Live({dialogue: 1, onSnapshot() {},
  onChange(msg) { applied.push(msg.seq); }});
handlers.connect();
const change = (seq) => handlers.change({seq, type: "contribution", data: {id: seq}});
setTimeout(() => {
  change(12); change(11); change(13);        // 12 is early: it waits for 11
  change(12);                                // a repeat is applied once
  const afterReorder = {applied: applied.slice(), snapshots};
  change(15);                                // 14 never comes
  setTimeout(() => {
    const beforeWindow = snapshots;
    snapSeq = 15;
    setTimeout(() => {
      change(16);
      console.log(JSON.stringify({afterReorder, beforeWindow, snapshots, applied,
                                  stats: live.stats}));
    }, 2300);
  }, 500);
}, 10);
"""


def _run(tmp_path, harness: str) -> dict:
    """Run `harness` under Node with live-core.js; what it printed last, as JSON."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = tmp_path / "harness.js"
    script.write_text(harness)
    done = subprocess.run([node, str(script), str(ROOT / "facilitator/static/js/live-core.js")],
                          capture_output=True, text=True, timeout=30, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_early_change_waits_and_a_lost_one_takes_a_snapshot(tmp_path):
    result = _run(tmp_path, HARNESS)
    # 11, 12, 13 in order although 12 came first; no snapshot beyond the first.
    assert result["afterReorder"] == {"applied": [11, 12, 13], "snapshots": 1}
    # 15 waits for 14 within the window (no snapshot yet) ...
    assert result["beforeWindow"] == 1
    # ... and after it, 14 counts as lost: one snapshot (at seq 15), then 16 follows it.
    assert result["snapshots"] == 2
    assert result["applied"] == [11, 12, 13, 16]
    assert result["stats"]["lost"] == 1


RETRY_HARNESS = r"""
const fs = require("fs");
const handlers = {};
let connects = 0;
const socket = {
  connected: false, active: false,
  on(name, fn) { handlers[name] = fn; },
  timeout() { return this; },
  emit() {},
  connect() { connects += 1; },
};
global.window = {io: () => socket, sessionStorage: {getItem: () => null, setItem() {}},
                 crypto: {randomUUID: () => "x"}, setTimeout, clearTimeout};
new Function("window", fs.readFileSync(process.argv[2], "utf8"))(global.window);
new window.AterforingLive.Live({dialogue: 1, onSnapshot() {}});
const busy = () => { const e = new Error("busy"); e.data = {retry: true}; return e; };
handlers.connect_error(busy());                       // refused for a passing reason
setTimeout(() => {
  const afterBusy = connects;
  handlers.connect_error(new Error("not_authenticated"));  // refused for good
  socket.active = true;
  handlers.connect_error(busy());  // still trying by itself (the server was down): no extra
  setTimeout(() => console.log(JSON.stringify({afterBusy, connects})), 1200);
}, 1100);
"""


def test_a_connect_refused_for_a_passing_reason_is_tried_again_and_no_other(tmp_path):
    result = _run(tmp_path, RETRY_HARNESS)
    # One connect after the pause (0.5–1 s for the first retry), none for the others.
    assert result == {"afterBusy": 1, "connects": 1}


BEAT_HARNESS = SNAPSHOT_SOCKET + r"""
const applied = [];
new window.AterforingLive.Live({dialogue: 1, onSnapshot() {},
  onChange(msg) { applied.push(msg.seq); }});
handlers.connect();
const change = (seq) => handlers.change({seq, type: "contribution", data: {id: seq}});
setTimeout(() => {
  handlers.seq({seq: 10});                  // current: nothing to do
  handlers.seq({seq: 11});                  // 11 exists: it is on its way ...
  change(11);                               // ... and comes: no snapshot
  handlers.seq({seq: 12});                  // 12 was lost while the queue was away
  setTimeout(() => {
    const beforeWindow = snapshots;
    snapSeq = 12;
    setTimeout(() => {
      console.log(JSON.stringify({beforeWindow, snapshots, applied}));
    }, 2300);
  }, 500);
}, 10);
"""


def test_a_heartbeat_ahead_of_the_client_makes_it_catch_up_once_the_window_has_passed(
        tmp_path):
    result = _run(tmp_path, BEAT_HARNESS)
    assert result["applied"] == [11]
    assert result["beforeWindow"] == 1  # no snapshot for a change that was only on its way
    assert result["snapshots"] == 2  # one for the lost one, after the window


#: The first snapshot's answer is held back while changes arrive (a change committed after the
#: snapshot read its seq is emitted before the answer leaves the server).
DURING_SNAPSHOT_HARNESS = r"""
const fs = require("fs");
const handlers = {};
let snapshots = 0, pending = null;
const socket = {
  connected: true, active: true,
  on(name, fn) { handlers[name] = fn; },
  timeout() { return this; },
  emit(event, payload, ack) { if (event === "snapshot") { snapshots += 1; pending = ack; } },
};
global.window = {io: () => socket, sessionStorage: {getItem: () => null, setItem() {}},
                 crypto: {randomUUID: () => "x"}, setTimeout, clearTimeout};
new Function("window", fs.readFileSync(process.argv[2], "utf8"))(global.window);
const applied = [];
const live = new window.AterforingLive.Live({dialogue: 1, onSnapshot() {},
  onChange(msg) { applied.push(msg.seq); }});
handlers.connect();
const change = (seq) => handlers.change({seq, type: "contribution", data: {id: seq}});
change(10);                                  // part of the snapshot (seq 10)
change(12); change(11);                      // after it, one of them out of order
pending(null, {ok: true, snapshot: {seq: 10}});
setTimeout(() => {
  change(13);
  setTimeout(() => console.log(JSON.stringify({snapshots, applied, stats: live.stats})), 2700);
}, 10);
"""


def test_changes_that_come_before_the_first_snapshot_answer_are_applied_after_it(tmp_path):
    result = _run(tmp_path, DURING_SNAPSHOT_HARNESS)
    # 11 and 12 follow the snapshot in order, 10 is in it; no second snapshot for a "gap".
    assert result["applied"] == [11, 12, 13]
    assert result["snapshots"] == 1
    assert result["stats"]["lost"] == 0
