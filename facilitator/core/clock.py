"""The clock and the local time zone, defined once.

Times are stored as naive UTC (`utcnow`); people read and type Swedish wall-clock time
(`LOCAL_TZ`). Everything that needs "now", "today" or a conversion takes it from here.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

#: The time zone every date and time is shown and entered in.
LOCAL_TZ = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    """Now, as the naive UTC the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def today_local() -> date:
    """Today's date in Sweden (due dates and deadlines are Swedish dates)."""
    return datetime.now(LOCAL_TZ).date()


def local_to_utc(value: datetime | None) -> datetime | None:
    """A naive Europe/Stockholm wall-clock time as naive UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime | None) -> datetime | None:
    """Naive UTC as a naive Europe/Stockholm wall-clock time."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(LOCAL_TZ).replace(tzinfo=None)


def as_aware_utc(value: datetime) -> datetime:
    """A stored naive UTC time with its time zone attached (for ICS and ISO output)."""
    return value.replace(tzinfo=UTC)
