"""One vocabulary: no retired synonym is left in the Swedish catalogue (every page, export
and e-mail takes its texts from it), and each retired word's term is in it."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from facilitator.core import glossary

POT = Path(__file__).resolve().parent.parent / "facilitator" / "translations" / "messages.pot"


def _messages() -> list[str]:
    with POT.open("rb") as f:
        catalogue = read_po(f)
    out = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        out += [i for i in ids if i]
    return out


def test_no_retired_synonym_in_the_swedish_catalogue():
    messages = _messages()
    found = []
    for retired in glossary.RETIRED:
        # a whole word; "Ansvarig roll" and "Ansvarig part" are terms of their own
        pattern = re.compile(rf"(?<!\w){re.escape(retired)}(?!\w)(?! roll)(?! part)")
        found += [(retired, m) for m in messages if pattern.search(m)]
    assert not found, found


def test_every_term_is_in_the_catalogue():
    messages = set(_messages())
    for key in set(glossary.RETIRED.values()) | set(glossary.TERMS):
        assert glossary.TERMS[key]._args[0] in messages, key


def test_one_date_format_per_context_in_europe_stockholm(app):
    """Documents, e-mails and histories write long dates; table cells and exports ISO; a
    stored UTC time is read in Stockholm (23:30 UTC on 30 June is 1 July there)."""
    from datetime import date, datetime

    from flask_babel import force_locale

    late = datetime(2027, 6, 30, 23, 30)  # stored naive, in UTC
    winter = datetime(2026, 12, 3, 12, 52)
    with app.test_request_context():
        assert glossary.long_date(date(2027, 6, 30)) == "30 juni 2027"
        assert glossary.long_date(late) == "1 juli 2027"
        assert glossary.long_datetime(late) == "1 juli 2027 kl. 01:30"
        assert glossary.long_datetime(winter) == "3 december 2026 kl. 13:52"
        assert glossary.long_datetime("2026-12-03T12:52:00+00:00") == (
            "3 december 2026 kl. 13:52")
        assert glossary.iso_date(late) == "2027-07-01"
        assert glossary.iso_datetime(winter) == "2026-12-03 13:52"
        assert glossary.long_date(None) == "–" and glossary.long_datetime(None) == ""
        with force_locale("en"):
            assert glossary.long_date(date(2027, 6, 30)) == "June 30, 2027"
            assert glossary.long_datetime(winter) == "December 3, 2026 at 13:52"
            assert glossary.iso_date(late) == "2027-07-01"  # ISO in every language


#: Where the outcomes are written: the follow-up items, the minutes, the decision and the
#: redovisning, the traces (their pages, documents, exports and forms).
OUTCOMES = ("followups", "minutes", "decisions", "traces")
FIELDS = ("owner", "responsible_role", "due_date", "legal_basis", "evidence", "case_number")


def test_the_outcomes_take_their_field_names_from_the_glossary():
    root = Path(glossary.__file__).resolve().parent.parent
    files = [p for area in OUTCOMES for p in (*(root / area).glob("*.py"),
                                              *(root / "templates" / area).glob("*.html"))]
    assert len(files) > 20
    found = []
    for key in FIELDS:
        text = glossary.TERMS[key]._args[0]
        written = re.compile(rf"""_l?\(\s*["']{re.escape(text)}["']\s*\)""")
        found += [(p.name, text) for p in files if written.search(p.read_text())]
    assert not found, found
