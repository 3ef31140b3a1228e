"""The accessibility statement's facts, kept in one place so the page can never claim more
than is true: the statement's status follows from the list of known inaccessible content
(DIGG's model: helt, delvis or inte förenlig)."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

#: Where DIGG takes reports about an inaccessible public service.
DIGG_REPORT_URL = ("https://www.digg.se/analys-och-uppfoljning/lagen-om-tillganglighet-till-"
                   "digital-offentlig-service-dos-lagen/anmal-bristande-tillganglighet")

#: The latest assessment of the service, and how it was made.
ASSESSED_ON = date(2026, 12, 2)
ASSESSMENT_METHOD = _l(
    "Självskattning: IVO har granskat tjänsten själv. Varje sida testas automatiskt med axe "
    "(WCAG 2.1 A och AA) i en riktig webbläsare vid varje ändring, i mobil-, dator- och "
    "projektorstorlek och på svenska och engelska; protokoll och redovisning kontrolleras "
    "som taggad PDF (struktur, språk, titel, inbäddade typsnitt). Flödena prövas manuellt "
    "med tangentbord.")

#: Why something is not accessible, in the model's three kinds.
NON_COMPLIANT = "non_compliant"  # bristande förenlighet med lagkraven
DISPROPORTIONATE = "disproportionate"  # oskälig börda
OUT_OF_SCOPE = "out_of_scope"  # utanför lagens tillämpningsområde

REASON_LABELS = {
    NON_COMPLIANT: _l("Bristande förenlighet med lagkraven"),
    DISPROPORTIONATE: _l("Oskälig börda"),
    OUT_OF_SCOPE: _l("Innehåll som inte omfattas av lagen"),
}


@dataclass(frozen=True)
class KnownIssue:
    what: object
    reason: str
    #: What is done about it, and when.
    remedy: object
    criteria: str = ""


#: Every known inaccessible part; the page lists them all and never says there are none
#: while this list has an entry.
KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        _l("Protokoll och redovisningar i PDF är taggade enligt PDF/UA-1 och kontrolleras "
           "automatiskt, men har ännu inte prövats manuellt med skärmläsare."),
        NON_COMPLIANT,
        _l("En manuell granskning med skärmläsare (NVDA och VoiceOver) görs under första "
           "kvartalet 2027."),
        "1.3.1, 1.3.2",
    ),
    KnownIssue(
        _l("Underlag som nämnderna laddar upp (PDF, Word, bilder) granskas inte för "
           "tillgänglighet av tjänsten."),
        OUT_OF_SCOPE,
        _l("Underlagen är nämndernas egna handlingar. Behöver du ett underlag i ett annat "
           "format, kontakta IVO så tar vi fram det."),
    ),
    KnownIssue(
        _l("Rummets storskärmsvy är gjord för att läsas på avstånd och uppdateras medan "
           "mötet pågår; den är inte tänkt att användas med skärmläsare."),
        DISPROPORTIONATE,
        _l("Samma innehåll finns i telefonvyn, som fungerar med skärmläsare och uppdateras "
           "lika ofta."),
    ),
)


def compliance() -> str:
    """helt (no known issue), delvis (some), inte (the service as a whole fails)."""
    if not KNOWN_ISSUES:
        return "full"
    return "partial"


COMPLIANCE_LABELS = {
    "full": _l("helt förenlig"),
    "partial": _l("delvis förenlig"),
    "none": _l("inte förenlig"),
}
