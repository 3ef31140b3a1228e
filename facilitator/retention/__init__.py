"""retention."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import models  # noqa: F401
