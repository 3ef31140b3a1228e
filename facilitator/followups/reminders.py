"""Reminders: each board's contact is mailed about its items due soon and its overdue ones."""

import logging
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..dialogues.models import Dialogue, DialogueStatus
from ..extensions import db
from .commands import OPEN_STATUSES
from .models import FollowUpItem

log = logging.getLogger(__name__)

#: Other deadlines a board is reminded of (a decision's redovisning): callables
#: `(today, horizon) -> [(organization, line, overdue)]` registered by other features.
DEADLINES: list = []

# --- reminders ---------------------------------------------------------------------------


def reminders_due(today: date, days: int = 14) -> list[dict]:
    """Per board: its open items due within `days` days from `today`, and its overdue ones.

    Finished items (genomförd, ej genomförd), merely proposed ones, IVO's own and those of
    archived dialogues are left out. Boards with nothing to remind of are not listed.
    """
    horizon = today + timedelta(days=days)
    items = db.session.scalars(
        select(FollowUpItem).join(Dialogue, Dialogue.id == FollowUpItem.dialogue_id).where(
            FollowUpItem.organization_id.is_not(None),
            FollowUpItem.status.in_(OPEN_STATUSES),
            FollowUpItem.due_date.is_not(None),
            FollowUpItem.due_date <= horizon,
            Dialogue.status != DialogueStatus.ARCHIVED,
        ).order_by(FollowUpItem.due_date, FollowUpItem.id)
    )
    boards: dict[int, dict] = {}
    for item in items:
        entry = boards.setdefault(item.organization_id, {
            "organization": item.organization, "due_soon": [], "overdue": []})
        entry["overdue" if item.due_date < today else "due_soon"].append(item)
    for deadlines in DEADLINES:
        for organization, line, overdue in deadlines(today, horizon):
            entry = boards.setdefault(organization.id, {
                "organization": organization, "due_soon": [], "overdue": []})
            entry.setdefault("deadlines", []).append((line, overdue))
    return sorted(boards.values(), key=lambda e: e["organization"].name)


def _reminder_text(entry: dict, today: date) -> str:
    lines = [_("Hej!"), "",
             _("Det här är en påminnelse från IVO om uppföljningspunkter för %(board)s.",
               board=entry["organization"].name), ""]
    for line, _overdue in entry.get("deadlines", []):
        lines += [line, ""]
    if entry["overdue"]:
        lines.append(_("Försenade (datumet har passerat):"))
        lines += [f"- {i.title} ({_('klart senast')} {i.due_date.isoformat()}, "
                  f"{i.dialogue.title})" for i in entry["overdue"]]
        lines.append("")
    if entry["due_soon"]:
        lines.append(_("Ska vara klara snart:"))
        lines += [f"- {i.title} ({_('klart senast')} {i.due_date.isoformat()}, "
                  f"{i.dialogue.title})" for i in entry["due_soon"]]
        lines.append("")
    lines += [_("Uppdatera status och lägg till underlag via granskningslänken ni fått från "
                "IVO, eller logga in med nämndens konto."),
              _("Har länken gått ut? Svara på det här mejlet så skickar IVO en ny."), "",
              _("Vänliga hälsningar"), "IVO", "", f"({today.isoformat()})"]
    return "\n".join(lines)


def send_reminders(today: date, days: int = 14) -> dict:
    """Mail each board's contact about its due and overdue items; the log when no server is set."""
    import smtplib
    from email.message import EmailMessage

    config = current_app.config
    sent, skipped = [], []
    for entry in reminders_due(today, days):
        organization = entry["organization"]
        if not organization.contact_email:
            log.warning("No contact e-mail for %s; no reminder sent", organization.name)
            skipped.append(organization.name)
            continue
        message = EmailMessage()
        message["Subject"] = _("Påminnelse: uppföljningspunkter för %(board)s",
                               board=organization.short_name)
        message["From"] = config.get("MAIL_FROM") or "noreply@localhost"
        message["To"] = organization.contact_email
        message.set_content(_reminder_text(entry, today))
        if not config.get("MAIL_SERVER"):
            log.warning("MAIL_SERVER is not set; the reminder is logged instead:\n"
                        "To: %s\nSubject: %s\n\n%s", message["To"], message["Subject"],
                        message.get_content())
        else:
            with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25),
                              timeout=30) as smtp:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
                smtp.send_message(message)
        sent.append(organization.contact_email)
    return {"sent": sent, "skipped": skipped}
