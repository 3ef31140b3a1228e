"""The house: base layout, languages, security headers, error pages, health, logs, metrics."""

from flask import Flask

from . import errors, i18n, logs, metrics, routes, security, templating


def init_app(app: Flask) -> None:
    logs.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(routes.bp)
    security.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
