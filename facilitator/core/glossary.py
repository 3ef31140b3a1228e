"""One vocabulary: the words of the product brief, written once. Pages, exports and e-mails
take a field's name from here (`term("legal_basis")` in templates, `TERMS[...]` in code), and
`RETIRED` lists the synonyms that must not come back (a test reads the Swedish catalogue).

Dates: long dates in documents (minutes, redovisning, e-mail: "30 juni 2027", a time as
"3 december 2026 kl. 13:52"), ISO dates in tables meant for machines and in exports (CSV,
JSON: 2027-06-30), always in Europe/Stockholm: `long_date`, `long_datetime`, `iso_date` and
`iso_datetime` below (and the Jinja filters of the same names) are how documents, exports,
e-mails and the follow-up pages write one: long in text and histories, ISO in table cells.
"""

from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .clock import LOCAL_TZ, as_aware_utc

#: Swedish (the UI's source language) per concept; English comes from the catalogue.
TERMS = {
    "dialogue": _l("Återföringsdialog"),
    "organization": _l("Nämnd"),
    "reflection": _l("Reflektion"),
    "agenda_item": _l("Punkt"),
    "question": _l("Fråga"),
    "disagreement": _l("Invändning"),
    "good_example": _l("Gott exempel"),
    "stance": _l("Samsyn"),
    "followup": _l("Uppföljningspunkt"),
    "report": _l("Redovisning"),
    "decision": _l("Beslut"),
    "case_number": _l("Diarienummer"),
    "theme": _l("Tema"),
    "group": _l("Grupp"),
    "legal_basis": _l("Lagrum"),
    "evidence": _l("Underlag"),
    "owner": _l("Ansvarig part"),
    "responsible_role": _l("Ansvarig roll"),
    "due_date": _l("Klart senast"),
}

#: Synonyms retired in favour of one term: {retired Swedish text: the term's key}.
RETIRED = {
    "Rättslig grund": "legal_basis",
    "Ägare": "owner",
    "Ansvarig": "owner",  # alone; "Ansvarig roll" is its own term
}


def term(key: str) -> str:
    """The product's word for `key` in the current language."""
    return str(TERMS[key])


def _local(value):
    """A stored UTC time as the time in Europe/Stockholm; a date stays a date."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        return as_aware_utc(value).astimezone(LOCAL_TZ)
    return value


def long_date(value) -> str:
    """A date (or the day of a stored time) as documents write it: "30 juni 2027" (or "–")."""
    value = _local(value) if value else None
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "long") if value else "–"


def long_datetime(value) -> str:
    """A stored time as documents write it: "3 december 2026 kl. 13:52" (or "")."""
    if not value:
        return ""
    value = _local(value)
    if not isinstance(value, datetime):  # a day without a time
        return long_date(value)
    return _("%(date)s kl. %(time)s", date=format_date(value.date(), "long"),
             time=value.strftime("%H:%M"))


def iso_datetime(value) -> str:
    """A stored time as tables write it: 2026-12-03 13:52, in Europe/Stockholm (or "–")."""
    value = _local(value) if value else None
    if not isinstance(value, datetime):
        return iso_date(value)
    return value.strftime("%Y-%m-%d %H:%M")


def iso_date(value) -> str:
    """A date as exports and machine tables write it: 2027-06-30 (or "–")."""
    value = _local(value) if value else None
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if value else "–"
