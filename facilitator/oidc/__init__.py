"""Signing in through the authority's identity provider (OpenID Connect, Authlib's client)."""

from flask import Flask

from . import provider, routes


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    provider.register(app)
