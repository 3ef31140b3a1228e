"""The realtime side: Socket.IO connection, rooms and broadcasts."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import events  # noqa: F401  (registers the handlers)
