"""The house: base layout, languages, security headers, error pages, health."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import errors, i18n, routes, security, templating

    app.register_blueprint(routes.bp)
    security.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
