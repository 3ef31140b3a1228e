"""The realtime side: Socket.IO connection, rooms and broadcasts."""

from flask import Flask

from . import events, routes, subscribers  # noqa: F401  (events registers the handlers)


def init_app(app: Flask) -> None:
    subscribers.connect()
    app.register_blueprint(routes.bp)
