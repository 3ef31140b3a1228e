"""Find Swedish personnummer and samordningsnummer in free text, and take them out.

A regular expression finds candidates: 10 or 12 digits (with or without the century),
with '-', '+', a space or nothing between the date and the last four digits, and not part
of a longer run of digits. A candidate is a personal number when the maintained
`personnummer` library accepts it as a real date (samordningsnummer: day + 60) with a serial
number other than 000 — whatever its last digit: a number with a mistyped check digit, or
one wrong digit anywhere that leaves the date real, points to a person just as well. So the
check digit is not asked for; the library is given the candidate with its check digit
computed, and judges the rest. A phone number such as "070-123 45 67" never matches the
pattern, and digits that are no date (month 13, day 60, 29 February 1900) are not flagged.

`facilitator/static/js/personnummer.js` applies the same rule in the browser; both are tested
against `tests/data/personnummer_cases.json`.
"""

import re

from personnummer import personnummer as _pnr

#: Group 1 is the candidate; the leading non-digit (or start) and the look-ahead keep it from
#: being part of a longer digit run. Written without look-behind so the browser's copy works
#: on older phones too.
CANDIDATE = re.compile(r"(?:^|\D)((\d{2})?(\d{6})([-+ ]?)(\d{4}))(?!\d)")

#: What a personal number is replaced with where it must not be kept (the audit log).
REDACTED = "[personnummer]"


def _luhn(digits: str) -> int:
    """The check digit the Luhn algorithm gives for the nine digits YYMMDDNNN."""
    total = 0
    for i, char in enumerate(digits):
        value = int(char) * (2 - i % 2)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _is_personal_number(century: str | None, date: str, separator: str, last: str) -> bool:
    sep = "+" if separator == "+" else "-"
    serial = last[:3]
    return _pnr.valid(f"{century or ''}{date}{sep}{serial}{_luhn(date + serial)}")


def _matches(text: str):
    for match in CANDIDATE.finditer(text):
        candidate, century, date, separator, last = match.groups()
        if _is_personal_number(century, date, separator, last):
            yield match


def find_personal_numbers(text: str | None) -> list[str]:
    """Every personnummer or samordningsnummer in `text`, as written there (a check digit
    that does not match counts too)."""
    if not text:
        return []
    return [match.group(1) for match in _matches(text)]


def contains_personal_number(text: str | None) -> bool:
    return bool(find_personal_numbers(text))


def redact(text: str) -> tuple[str, list[int]]:
    """`text` with every personal number replaced by REDACTED, and where each one began (its
    character offset in the original text)."""
    parts, at, last_end = [], [], 0
    for match in _matches(text):
        start, end = match.span(1)
        parts += [text[last_end:start], REDACTED]
        at.append(start)
        last_end = end
    parts.append(text[last_end:])
    return "".join(parts), at
