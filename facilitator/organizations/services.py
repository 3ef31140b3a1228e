"""Boards: every facilitator may list, create and edit them."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.access import require_facilitator
from ..core.payloads import validated
from ..errors import Conflict, NotFound
from ..extensions import db
from .forms import OrganizationForm
from .models import Organization, OrganizationKind, name_key


def list_organizations(actor) -> list[Organization]:
    """All boards, by name."""
    require_facilitator(actor)
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))


def get_organization(actor, org_id) -> Organization:
    """One board, or NotFound."""
    require_facilitator(actor)
    try:
        org = db.session.get(Organization, int(org_id))
    except (TypeError, ValueError):
        org = None
    if org is None:
        raise NotFound(_("Organisationen finns inte."))
    return org


def _duplicate_name() -> Conflict:
    message = _("Det finns redan en organisation med det namnet. Välj ett annat namn.")
    return Conflict(message, errors={"name": [message]})


def _check_unique_name(name: str, except_id: int | None = None) -> None:
    # The same comparison as the unique constraint on `name_key`.
    query = select(Organization.id).where(Organization.name_key == name_key(name))
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    if db.session.scalar(query) is not None:
        raise _duplicate_name()


def _flush() -> None:
    """Flush; a name stored meanwhile by someone else is the same 409 as the check's. The
    board is the action's only write, so the whole transaction goes."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise _duplicate_name() from None


def _apply(org: Organization, form: OrganizationForm) -> None:
    org.name = form.name.data.strip()
    org.short_name = form.short_name.data.strip()
    org.kind = OrganizationKind(form.kind.data)
    org.contact_email = (form.contact_email.data or "").strip().lower() or None


def create_organization(actor, payload) -> Organization:
    """A new board from `payload` (name, short_name, kind, contact_email)."""
    require_facilitator(actor)
    form = validated(OrganizationForm, payload)
    _check_unique_name(form.name.data.strip())
    org = Organization()
    _apply(org, form)
    db.session.add(org)
    _flush()
    return org


def update_organization(actor, org_id, payload) -> Organization:
    """Change a board; every field is sent again."""
    org = get_organization(actor, org_id)
    form = validated(OrganizationForm, payload)
    _check_unique_name(form.name.data.strip(), except_id=org.id)
    _apply(org, form)
    _flush()
    return org
