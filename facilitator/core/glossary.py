"""One vocabulary: the words of the product brief, written once. Pages, exports and e-mails
take a field's name from here (`term("legal_basis")` in templates, `TERMS[...]` in code), and
`RETIRED` lists the synonyms that must not come back (a test reads the Swedish catalogue).

Dates: long dates in documents (minutes, redovisning, e-mail: "30 juni 2027"), ISO dates in
tables meant for machines and in exports (CSV, JSON: 2027-06-30), always in Europe/Stockholm.
"""

from flask_babel import lazy_gettext as _l

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
