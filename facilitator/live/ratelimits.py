"""Per participant and kind of event limits, with the `limits` library."""

import time

from flask import current_app
from flask_babel import gettext as _
from limits import parse
from limits.storage import MemoryStorage, storage_from_string
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

#: Seconds between sweeps of expired counters in the in-process storage.
SWEEP_EVERY = 60.0


class _MeetingMemoryStorage(MemoryStorage):
    """`limits`' in-process storage without its sweep after every hit.

    MemoryStorage starts a 0.01 s timer after each hit that walks every key: with thousands
    of phones (four keys each) that is up to a hundred full walks a second, the largest cost
    of a vote storm. Here a key keeps only the `limit` newest entries (all a moving window
    looks at) and old keys are swept once every SWEEP_EVERY seconds.
    """

    _swept = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # overrides the private hook
        now = time.monotonic()
        if now - self._swept >= SWEEP_EVERY:
            self._swept = now
            self._MemoryStorage__expire_events()

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        acquired = super().acquire_entry(key, limit, expiry, amount)
        with self.locks[key]:
            del self.events.get(key, [])[limit:]
        return acquired


def _limiter() -> MovingWindowRateLimiter:
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if uri not in _limiters:
        storage = _MeetingMemoryStorage() if uri == "memory://" else storage_from_string(uri)
        _limiters[uri] = MovingWindowRateLimiter(storage)
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
