"""`flask users create|list`."""

import click
from sqlalchemy import select

from ..core import uow
from ..errors import DomainError
from ..extensions import db
from . import services
from .models import User


@click.group(help="Facilitatorskonton.")
def users():
    pass


@users.command("create")
@click.option("--email", prompt="E-postadress")
@click.option("--name", prompt="Namn")
@click.option("--admin", is_flag=True, help="Ge kontot administratörsrätt.")
@click.option("--generate", is_flag=True, help="Skapa ett lösenord och skriv ut det en gång.")
@click.option("--no-password", is_flag=True,
              help="Inget lösenord: personen loggar in via organisationens inloggningstjänst.")
def create(email: str, name: str, admin: bool, generate: bool, no_password: bool):
    """Create a facilitator; the password is prompted for, or generated and printed once, or
    there is none (the account is linked at its first sign-in through the provider)."""
    if no_password:
        password = None
    elif generate:
        password = services.generate_password()
    else:
        password = click.prompt("Lösenord", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, name, password, is_admin=admin)
        uow.commit()
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Skapade {user.email}{' (administratör)' if user.is_admin else ''}.")
    if generate:
        click.echo(f"Lösenord (visas bara nu): {password}")


@users.command("list")
def list_():
    """List facilitators."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        flags = ("admin " if user.is_admin else "") + ("" if user.active else "inaktiv")
        click.echo(f"{user.email}\t{user.name}\t{flags.strip()}")
