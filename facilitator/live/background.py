"""A flusher per app: what the meeting's coalescing parts (tallies, presence) run every few
tenths of a second, once per process."""

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
