"""`flask followups remind [--days N] [--today YYYY-MM-DD]`."""

from datetime import datetime

import click

from . import commands, reminders


@click.group(help="Uppföljningspunkter.")
def followups():
    pass


@followups.command("remind")
@click.option("--days", default=14, show_default=True, type=click.IntRange(0, 365),
              help="Påminn om punkter som ska vara klara inom så många dagar.")
@click.option("--today", default=None, help="Dagens datum (ÅÅÅÅ-MM-DD); för test och omkörning.")
def remind(days: int, today: str | None):
    """Mail each board's contact about its items due soon and those overdue."""
    try:
        day = datetime.strptime(today, "%Y-%m-%d").date() if today else commands.today_local()
    except ValueError as error:
        raise click.BadParameter("Ange datumet som ÅÅÅÅ-MM-DD.", param_hint="--today") from error
    result = reminders.send_reminders(day, days)
    for address in result["sent"]:
        click.echo(f"Påminnelse skickad till {address}")
    for name in result["skipped"]:
        click.echo(f"Ingen kontaktadress för {name}: ingen påminnelse skickad", err=True)
    click.echo(f"{len(result['sent'])} påminnelser.")
