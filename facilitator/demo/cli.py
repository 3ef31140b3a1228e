"""Load demo data into an empty database, and print how to log in."""

import hashlib
import os
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from ..accounts import services as accounts
from ..accounts.models import User
from ..core import uow
from ..extensions import db
from . import data

DEMO_EMAIL = data.DEMO_EMAIL


def _login_file() -> Path:
    """Where the demo login of this database is kept: one file per database."""
    url = db.engine.url.render_as_string(hide_password=True)
    key = hashlib.sha256(url.encode()).hexdigest()[:12]
    return Path(current_app.instance_path) / f"demo-login-{key}.txt"


def _is_production() -> bool:
    return current_app.config.get("APP_ENV") == "production"


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Gör inget om databasen redan har konton.")
def demo(if_empty: bool):
    """Create the demo facilitator (and demo dialogues) and print the login."""
    if _is_production():
        # A demo admin with a printed password has no place in a production database.
        # With --if-empty (as `make run` calls it) the server still starts.
        message = ("Demodata läses inte in när APP_ENV=production; skapa konton med "
                   "`flask users create`.")
        if if_empty:
            click.echo(message, err=True)
            return
        raise click.ClickException(message)
    has_users = db.session.scalar(select(func.count()).select_from(User))
    click.echo("")
    if if_empty and has_users:
        click.echo("Databasen har redan konton, så ingen demodata lades in.")
    else:
        if db.session.scalar(select(User).where(User.email == DEMO_EMAIL)) is None:
            password = accounts.generate_password()
            accounts.create_user(DEMO_EMAIL, "Demo Samordnare", password, is_admin=True)
            path = _login_file()
            path.write_text(f"{DEMO_EMAIL}\n{password}\n", encoding="utf-8")
            path.chmod(0o600)
        created = data.load()
        uow.commit()  # the demo login and the dialogues together
        if created:
            noun = "återföringsdialog" if created == 1 else "återföringsdialoger"
            click.echo(f"Demodata inlagd: {created} {noun}.")
        else:
            click.echo("Demodatan fanns redan; inget nytt lades in.")
    _print_login()
    _print_dialogues()
    click.echo("")


def _base_url() -> str:
    return f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '5000'}"


def _print_login() -> None:
    user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
    if user is None:
        return
    click.echo("")
    click.echo(f"Logga in som samordnare på {_base_url()}/logga-in")
    click.echo(f"  E-post:   {user.email}")
    path = _login_file()
    password = None
    if path.exists():
        lines = path.read_text(encoding="utf-8").split("\n")
        if len(lines) >= 2 and lines[0] == user.email:
            password = lines[1]
    if password and check_password_hash(user.password_hash, password):
        click.echo(f"  Lösenord: {password}")
        click.echo(f"  (sparat i {path})")
    else:
        click.echo("  Lösenord: det lösenord kontot har fått sedan demon skapades")


def _print_dialogues() -> None:
    lines = data.summary()
    if not lines:
        return
    click.echo("")
    click.echo("Demodialoger – deltagare går med via koden eller länken (inget konto behövs):")
    for line in lines:
        click.echo(f"  {line}")
