"""Reminders: each board's contact is mailed about its items due soon and its overdue ones."""

import logging
from datetime import date, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage
from sqlalchemy import select

from ..dialogues.models import Dialogue, DialogueStatus
from ..extensions import db, mail
from .commands import OPEN_STATUSES
from .models import FollowUpItem

log = logging.getLogger(__name__)

#: Other deadlines a board is reminded of (a decision's redovisning): callables
#: `(today, horizon) -> [(organization, line, overdue)]` registered by other features.
DEADLINES: list = []


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


#: The languages a reminder is written in, Swedish first: one template each under
#: templates/emails/, the other features' deadline lines written in each.
LANGUAGES = ("sv", "en")
#: Between the Swedish text and the English one.
_SEPARATOR = "\n\n---------- In English ----------\n\n"


def _entry_context(entry: dict, today: date) -> dict:
    return {"organization": entry["organization"], "overdue": entry["overdue"],
            "due_soon": entry["due_soon"], "today": today,
            "deadlines": [line for line, _overdue in entry.get("deadlines", [])]}


def reminder_text(entries: dict[str, dict], today: date) -> str:
    """The mail's text: each language's template with the board's entry read in it."""
    def render(lang: str) -> str:
        with force_locale(lang):  # dates as that language writes them: "1 mars 2026"
            return render_template(f"emails/reminder.{lang}.txt",
                                   **_entry_context(entries[lang], today)).strip()

    return _SEPARATOR.join(render(lang) for lang in LANGUAGES if lang in entries) + "\n"


def _entries_by_language(today: date, days: int) -> list[dict[str, dict]]:
    """Per board, what to remind of as read in each language (the lines other features add
    are written in the language they are read in)."""
    boards: dict[int, dict[str, dict]] = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            for entry in reminders_due(today, days):
                boards.setdefault(entry["organization"].id, {})[lang] = entry
    return sorted(boards.values(), key=lambda e: e[LANGUAGES[0]]["organization"].name)


def send_reminders(today: date, days: int = 14) -> dict:
    """Mail each board's contact about its due and overdue items, in Swedish and English,
    through Flask-Mailman (the log when no MAIL_SERVER is set); one connection for all."""
    sent, skipped, messages = [], [], []
    for entries in _entries_by_language(today, days):
        organization = entries[LANGUAGES[0]]["organization"]
        if not organization.contact_email:
            log.warning("No contact e-mail for %s; no reminder sent", organization.name)
            skipped.append(organization.name)
            continue
        subject = render_template("emails/reminder_subject.txt",
                                  organization=organization).strip()
        messages.append(EmailMessage(subject=subject, body=reminder_text(entries, today),
                                     to=[organization.contact_email]))
        sent.append(organization.contact_email)
    if messages:
        with mail.get_connection() as connection:
            connection.send_messages(messages)
    return {"sent": sent, "skipped": skipped}
