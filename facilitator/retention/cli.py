"""`flask retention purge [--days N] [--dry-run]`."""

from datetime import date

import click
from flask import current_app

from ..core import uow
from . import services

#: How each kind is named in the command's output.
LABELS = {
    "names": "namn",
    "tokens": "deltagarnycklar",
    "hidden_texts": "dolda texter",
    "flagged_texts": "texter med möjligt personnummer",
    "pending_texts": "ogranskade texter",
    "audit_texts": "texter i händelseloggen",
    "join_code": "deltagarkod",
}


@click.group(help="Gallring av personuppgifter.")
def retention():
    pass


@retention.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Dagar efter att mötet stängdes (standard: RETENTION_DAYS).")
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle tas bort utan att ändra något.")
def purge(days: int | None, dry_run: bool):
    """Remove personal data of dialogues closed at least N days ago; keep the outcomes."""
    if days is None:
        days = int(current_app.config["RETENTION_DAYS"])
    entries = services.purge(date.today(), days, dry_run=dry_run)
    uow.commit()  # the whole purge, or (on an error) nothing
    verb = "Skulle gallra" if dry_run else "Gallrade"
    if not entries:
        click.echo(f"Inget att gallra: ingen dialog stängdes för minst {days} dagar sedan "
                   "med personuppgifter kvar.")
        return
    totals = dict.fromkeys(services.KINDS, 0)
    for entry in entries:
        parts = ", ".join(f"{entry.counts[kind]} {LABELS[kind]}" for kind in services.KINDS)
        archive = "; arkiveras" if entry.archive else ""
        click.echo(f"{verb} dialog {entry.dialogue_id} ”{entry.title}” "
                   f"(stängd {entry.closed_at:%Y-%m-%d}): {parts}{archive}")
        for kind in services.KINDS:
            totals[kind] += entry.counts[kind]
    summary = ", ".join(f"{totals[kind]} {LABELS[kind]}" for kind in services.KINDS)
    click.echo(f"Totalt {len(entries)} dialoger: {summary}.")
    if dry_run:
        click.echo("Inget ändrades (--dry-run).")
