"""Per participant and kind of event limits, with the `limits` library."""

from flask import current_app
from flask_babel import gettext as _
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ..errors import RateLimited

# What a participant may do, per kind of event.
LIMITS = {
    "submit": "5/minute",
    "vote": "60/minute",
    "stance": "30/minute",
    "snapshot": "30/minute",
}

_limiters: dict[str, MovingWindowRateLimiter] = {}


def _limiter() -> MovingWindowRateLimiter:
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if uri not in _limiters:
        _limiters[uri] = MovingWindowRateLimiter(storage_from_string(uri))
    return _limiters[uri]


def reset() -> None:
    """Forget every counter (tests)."""
    for limiter in _limiters.values():
        limiter.storage.reset()


def check(kind: str, who: str) -> None:
    """Count one `kind` event for `who`; RateLimited with a Swedish message when over."""
    configured = current_app.config.get("LIVE_RATE_LIMITS", {}).get(kind, LIMITS[kind])
    item = parse(configured)
    if not _limiter().hit(item, "live", kind, who):
        messages = {
            "submit": _("Du har skickat många inlägg på kort tid. Vänta en minut och försök igen."),
            "vote": _("Du har röstat väldigt många gånger på kort tid. Vänta en stund."),
            "stance": _("Du har ändrat din inställning många gånger på kort tid. Vänta en stund."),
            "snapshot": _("För många uppdateringar på kort tid. Vänta en stund."),
        }
        raise RateLimited(messages[kind])
