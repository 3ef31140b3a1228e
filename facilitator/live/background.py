"""A flusher per app: what the meeting's background parts (tallies, presence, the seq
heartbeat) run every few tenths of a second or seconds, once per process."""

import threading
import weakref
from collections.abc import Callable

from flask import Flask

from ..extensions import socketio


def every(app: Flask, interval: float, flush: Callable[[], None], what: str) -> None:
    """Run `flush` in the app's context every `interval` seconds for as long as the app lives
    (an app that is gone, in tests, ends its loop). One failed round is logged, never fatal."""
    app_ref = weakref.ref(app)

    def loop():
        while True:
            socketio.sleep(interval)
            app = app_ref()
            if app is None:
                return
            try:
                with app.app_context():
                    flush()
            except Exception:  # keep going; one bad round (a Redis hiccup) must not stop it
                app.logger.exception("%s flush failed", what)
            del app

    socketio.start_background_task(loop)


_lock = threading.Lock()
_started: "weakref.WeakKeyDictionary[Flask, set[str]]" = weakref.WeakKeyDictionary()


def start_once(app: Flask, interval: float, flush: Callable[[], None], what: str) -> None:
    """`every`, started once per app and `what` (so once per process), and not at all when
    the app flushes by hand (`LIVE_TALLY_MANUAL`, in tests)."""
    with _lock:
        started = _started.setdefault(app, set())
        if what in started or app.config.get("LIVE_TALLY_MANUAL"):
            return
        started.add(what)
    every(app, interval, flush, what)
