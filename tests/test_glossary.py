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
