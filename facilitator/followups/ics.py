"""A board's calendar feed (ICS): its open items' due dates."""

from datetime import timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..core.clock import as_aware_utc, utcnow
from ..errors import PermissionDenied
from ..extensions import db
from ..organizations.models import Organization
from .commands import OPEN_STATUSES, status_label
from .queries import items_for_board
from .reviewers import as_reviewer

# --- calendar ----------------------------------------------------------------------------


def ics_feed(reviewer) -> bytes:
    """The board's open items' due dates as an iCalendar feed: one all-day VEVENT per item."""
    reviewer = as_reviewer(reviewer)
    if reviewer is None:
        raise PermissionDenied(_("Kalendern är nämndens."))
    organization = db.session.get(Organization, reviewer.organization_id)
    cal = Calendar()
    cal.add("prodid", "-//IVO//Återföring//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Uppföljning: %(board)s", board=organization.short_name))
    stamp = as_aware_utc(utcnow())
    for item in items_for_board(reviewer):
        if item.due_date is None or item.status not in OPEN_STATUSES:
            continue
        event = Event()
        event.add("uid", f"uppfoljning-{item.id}@aterforing")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + timedelta(days=1))
        event.add("summary", _("Klart senast: %(title)s", title=item.title))
        description = [item.description, _("Status: %(s)s", s=status_label(item.status))]
        if item.responsible_role:
            description.append(_("Ansvarig roll: %(r)s", r=item.responsible_role))
        description.append(_("Dialog: %(t)s", t=item.dialogue.title))
        event.add("description", "\n".join(x for x in description if x))
        cal.add_component(event)
    return cal.to_ical()
