"""Find Swedish personnummer and samordningsnummer in free text.

A regular expression finds candidates: 10 or 12 digits (with or without the century),
with '-', '+', a space or nothing between the date and the last four digits, and not part
of a longer run of digits. Each candidate is then checked with the maintained
`personnummer` library: a real date (samordningsnummer: day + 60), a serial number other
than 000 and the Luhn check digit. A phone number such as "070-123 45 67" never matches the
pattern, and ten digits with a wrong check digit fail the check.

`facilitator/static/js/personnummer.js` applies the same rule in the browser; both are tested
against `tests/data/personnummer_cases.json`.
"""

import re

from personnummer import personnummer as _pnr

#: Group 1 is the candidate; the leading non-digit (or start) and the look-ahead keep it from
#: being part of a longer digit run. Written without look-behind so the browser's copy works
#: on older phones too.
CANDIDATE = re.compile(r"(?:^|\D)((\d{2})?(\d{6})([-+ ]?)(\d{4}))(?!\d)")


def _is_valid(century: str | None, date: str, separator: str, last: str) -> bool:
    sep = "+" if separator == "+" else "-"
    return _pnr.valid(f"{century or ''}{date}{sep}{last}")


def find_personal_numbers(text: str | None) -> list[str]:
    """Every personnummer or samordningsnummer in `text`, as written there."""
    if not text:
        return []
    found = []
    for match in CANDIDATE.finditer(text):
        candidate, century, date, separator, last = match.groups()
        if _is_valid(century, date, separator, last):
            found.append(candidate)
    return found


def contains_personal_number(text: str | None) -> bool:
    return bool(find_personal_numbers(text))
