"""`flask demo`: a facilitator account and demo dialogues to try the product with."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli

    app.cli.add_command(cli.demo)
