"""The trace of a finding: one reflection's whole path in time order, from publishing to
the redovisning versions that reported on it, as a page and as JSON."""

from flask import Flask

from ..core.glossary import long_datetime
from . import routes


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)

    @app.template_filter("trace_time")
    def _trace_time(value: str) -> str:
        """A step's time as histories write it: "3 december 2026 kl. 13:52" (glossary)."""
        return long_datetime(value)
