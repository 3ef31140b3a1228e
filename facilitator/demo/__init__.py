"""`flask demo`: a facilitator account and demo dialogues to try the product with."""

from flask import Flask

from . import cli


def init_app(app: Flask) -> None:
    app.cli.add_command(cli.demo)
