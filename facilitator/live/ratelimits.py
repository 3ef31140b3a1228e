"""Per participant and kind of event limits, with the `limits` library.

With `RATELIMIT_STORAGE_URI` pointing at Redis the counters are shared by every process; when
Redis does not answer, each process counts in its own memory until Redis answers again (looked
at every PROBE_EVERY seconds), so a Redis outage never stops a submission or a vote. The log
says so once when Redis goes and once when it is back.
"""

import time
from collections import OrderedDict

from flask import current_app
from flask_babel import gettext as _
from limits import parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ..core import redisclient
from ..core.logs import log
from ..errors import RateLimited

# What a participant may do, per kind of event.
LIMITS = {
    "submit": "5/minute",
    "vote": "60/minute",
    "stance": "30/minute",
    "snapshot": "30/minute",
}

#: Seconds between sweeps of expired counters in the in-process storage.
SWEEP_EVERY = 60.0
#: Seconds between looks at whether an unreachable shared storage answers again.
PROBE_EVERY = 2.0


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


class _Counters:
    """The limiter of one storage URI, with this process's memory behind a shared storage."""

    def __init__(self, uri: str, options: dict):
        self.uri = uri
        self.memory = MovingWindowRateLimiter(_MeetingMemoryStorage())
        self.shared = None if uri == "memory://" else MovingWindowRateLimiter(
            storage_from_string(uri, wrap_exceptions=True, **options))
        #: monotonic time the shared storage stopped answering; None while it answers.
        self.down_since: float | None = None
        self.next_probe = 0.0

    @property
    def using_memory(self) -> bool:
        return self.shared is None or self.down_since is not None

    def hit(self, item, *identifiers: str) -> bool:
        if self.shared is not None and self.down_since is not None:
            self._probe()
        if self.using_memory:
            return self.memory.hit(item, *identifiers)
        try:
            return self.shared.hit(item, *identifiers)
        except StorageError as exc:
            self._went_down(exc.storage_error)
            return self.memory.hit(item, *identifiers)

    def _went_down(self, error: Exception) -> None:
        now = time.monotonic()
        if self.down_since is None:  # once per outage, however many events meet it
            self.down_since = now
            log.warning("ratelimit.storage_unreachable", storage="redis",
                        error=type(error).__name__, fallback="memory")
        self.next_probe = now + PROBE_EVERY

    def _probe(self) -> None:
        now = time.monotonic()
        if now < self.next_probe:
            return
        self.next_probe = now + PROBE_EVERY  # before the ping: other events do not probe too
        if self.shared.storage.check():
            log.info("ratelimit.storage_recovered", storage="redis",
                     down_seconds=round(now - self.down_since, 1))
            self.down_since = None

    def reset(self) -> None:
        self.memory.storage.reset()
        if self.shared is not None and not self.using_memory:
            self.shared.storage.reset()


_counters: dict[str, _Counters] = {}


def _current() -> _Counters:
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if uri not in _counters:
        _counters[uri] = _Counters(uri, redisclient.client_options(current_app.config))
    return _counters[uri]


def reset() -> None:
    """Forget every counter (tests)."""
    _counted.clear()
    for counters in _counters.values():
        counters.reset()


#: Resends already counted, by (kind, who, client id): how many this process remembers.
COUNTED_RESENDS = 20_000
_counted: "OrderedDict[tuple, None]" = OrderedDict()


def check(kind: str, who: str, client_id: str | None = None) -> None:
    """Count one `kind` event for `who`; RateLimited with a Swedish message when over.

    With a `client_id`, its resends are counted once: a phone resends an item it had no
    `ok` for (a busy database, a lost answer), and one item the database was too busy to
    store must not use up the person's limit."""
    if client_id is not None:
        key = (kind, who, client_id)
        if key in _counted:
            _counted.move_to_end(key)
            return
    configured = current_app.config.get("LIVE_RATE_LIMITS", {}).get(kind, LIMITS[kind])
    item = parse(configured)
    allowed = _current().hit(item, "live", kind, who)
    if allowed and client_id is not None:
        _counted[key] = None
        if len(_counted) > COUNTED_RESENDS:
            _counted.popitem(last=False)
    if not allowed:
        messages = {
            "submit": _("Du har skickat många inlägg på kort tid. Vänta en minut och försök igen."),
            "vote": _("Du har röstat väldigt många gånger på kort tid. Vänta en stund."),
            "stance": _("Du har ändrat din inställning många gånger på kort tid. Vänta en stund."),
            "snapshot": _("För många uppdateringar på kort tid. Vänta en stund."),
        }
        raise RateLimited(messages[kind])
