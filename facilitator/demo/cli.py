"""Load demo data into an empty database, and print how to log in."""

from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select

from ..accounts import services as accounts
from ..accounts.models import User
from ..extensions import db

DEMO_EMAIL = "demo@ivo.se"


def _login_file() -> Path:
    return Path(current_app.instance_path) / "demo-login.txt"


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Gör inget om databasen redan har konton.")
def demo(if_empty: bool):
    """Create the demo facilitator (and demo dialogues) and print the login."""
    has_users = db.session.scalar(select(func.count()).select_from(User))
    if not (if_empty and has_users):
        if db.session.scalar(select(User).where(User.email == DEMO_EMAIL)) is None:
            password = accounts.generate_password()
            accounts.create_user(DEMO_EMAIL, "Demo Samordnare", password, is_admin=True)
            path = _login_file()
            path.write_text(f"{DEMO_EMAIL}\n{password}\n", encoding="utf-8")
            path.chmod(0o600)
        from . import data

        data.load()
    _print_login()


def _print_login() -> None:
    path = _login_file()
    if path.exists():
        email, password = path.read_text(encoding="utf-8").split("\n")[:2]
        click.echo(f"Demo-inloggning för samordnare: {email} / {password}")
    from . import data

    for line in data.summary():
        click.echo(line)
