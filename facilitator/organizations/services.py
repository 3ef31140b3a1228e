"""Boards: every facilitator may list, create and edit them."""

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..core.payloads import validated
from ..dialogues.access import require_facilitator
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from .forms import OrganizationForm
from .models import Organization, OrganizationKind


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


def _check_unique_name(name: str, except_id: int | None = None) -> None:
    # The exact name too: SQLite's lower() folds only ASCII (it keeps "Årsta" while Python
    # gives "årsta"), and a name must at least meet itself.
    query = select(Organization.id).where(or_(Organization.name == name,
                                              func.lower(Organization.name) == name.lower()))
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    if db.session.scalar(query) is not None:
        message = _("Det finns redan en organisation med det namnet. Välj ett annat namn.")
        raise ValidationFailed(message, errors={"name": [message]})


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
    db.session.commit()
    return org


def update_organization(actor, org_id, payload) -> Organization:
    """Change a board; every field is sent again."""
    org = get_organization(actor, org_id)
    form = validated(OrganizationForm, payload)
    _check_unique_name(form.name.data.strip(), except_id=org.id)
    _apply(org, form)
    db.session.commit()
    return org
