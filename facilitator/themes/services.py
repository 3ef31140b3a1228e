"""Keeping the list of themes. Admins change it; every facilitator reads it."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit import services as audit
from ..core.access import require_facilitator
from ..core.payloads import validated
from ..errors import NotFound, PermissionDenied, ValidationFailed
from ..extensions import db
from .forms import ThemeForm
from .models import Theme, reflection_themes

#: The themes of the source articles (the Gnesta and Stockholm supervisions).
SEED_THEMES = (
    ("Förhandsbedömning inom 14 dagar",
     "Beslut om att inleda eller inte inleda utredning inom 14 dagar (SoL 11 kap. 1 a §)."),
    ("Omedelbar skyddsbedömning",
     "Bedömningen samma dag av om barnet behöver omedelbart skydd, och hur den dokumenteras."),
    ("Barnets inställning och barnets röst",
     "Barnet får information, kommer till tals och får sina åsikter beaktade "
     "(SoL 11 kap. 10 §, 1 kap. 2 §)."),
    ("Inledande av utredning",
     "När nämnden inleder utredning, och när den avstår (SoL 11 kap. 1 §)."),
    ("Dokumentation",
     "Att handläggningen och bedömningarna framgår av dokumentationen (SoL 11 kap. 5 §)."),
)


def _require_facilitator(actor) -> None:
    require_facilitator(actor)


def require_admin(actor) -> None:
    _require_facilitator(actor)
    if not actor.is_admin:
        raise PermissionDenied(_("Bara administratörer kan ändra listan med teman."))


def seed_defaults() -> int:
    """Add the source articles' themes that are missing; return how many were added."""
    have = set(db.session.scalars(select(Theme.name)))
    start = db.session.scalar(select(func.max(Theme.position))) or 0
    added = 0
    for name, description in SEED_THEMES:
        if name not in have:
            added += 1
            db.session.add(Theme(name=name, description=description, position=start + added))
    db.session.flush()
    return added


def list_themes(actor) -> list[dict]:
    """Every theme, in order, with how many reflections carry it."""
    _require_facilitator(actor)
    counts = dict(db.session.execute(
        select(reflection_themes.c.theme_id, func.count())
        .group_by(reflection_themes.c.theme_id)).all())
    return [{"theme": t, "reflections": counts.get(t.id, 0)} for t in ordered()]


def ordered(active_only: bool = False) -> list[Theme]:
    query = select(Theme).order_by(Theme.position, Theme.name)
    if active_only:
        query = query.where(Theme.active)
    return list(db.session.scalars(query))


def choices(keep: list[int] | tuple = ()) -> list[tuple[int, str]]:
    """Active themes, plus inactive ones in `keep` (already chosen), for a form's checkboxes."""
    keep = set(keep)
    return [(t.id, t.name) for t in ordered() if t.active or t.id in keep]


def by_ids(ids) -> list[Theme]:
    ids = set(ids or [])
    if not ids:
        return []
    # Called while a new reflection is being filled in, before it is in the session.
    with db.session.no_autoflush:
        return list(db.session.scalars(select(Theme).where(Theme.id.in_(ids))
                                       .order_by(Theme.position, Theme.name)))


def get_theme(actor, theme_id) -> Theme:
    _require_facilitator(actor)
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        raise NotFound(_("Temat finns inte."))
    return theme


def _check_unique(name: str, theme_id: int | None = None) -> None:
    query = select(Theme).where(func.lower(Theme.name) == name.lower())
    other = db.session.scalar(query)
    if other is not None and other.id != theme_id:
        message = _("Det finns redan ett tema med det namnet.")
        raise ValidationFailed(message, errors={"name": [message]})


def create_theme(actor, payload) -> Theme:
    """A new theme, last in order."""
    require_admin(actor)
    form = validated(ThemeForm, payload)
    name = form.name.data.strip()
    _check_unique(name)
    position = (db.session.scalar(select(func.max(Theme.position))) or 0) + 1
    theme = Theme(name=name, description=(form.description.data or "").strip(),
                  active=bool(form.active.data), position=position)
    db.session.add(theme)
    db.session.flush()
    audit.record("theme.created", user=actor, subject=theme, name=theme.name)
    db.session.flush()
    return theme


def update_theme(actor, theme_id, payload) -> Theme:
    """Rename, describe, or take a theme out of use (it stays on reflections that carry it)."""
    require_admin(actor)
    theme = get_theme(actor, theme_id)
    form = validated(ThemeForm, payload)
    name = form.name.data.strip()
    _check_unique(name, theme.id)
    before = {"name": theme.name, "active": theme.active}
    theme.name = name
    theme.description = (form.description.data or "").strip()
    theme.active = bool(form.active.data)
    audit.record("theme.edited", user=actor, subject=theme, before=before,
                 after={"name": theme.name, "active": theme.active})
    db.session.flush()
    return theme
