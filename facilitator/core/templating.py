"""Small template helpers shared by every feature."""

from collections.abc import Mapping

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .glossary import term


def field_attrs(field, hint: str | None = None, **extra) -> dict:
    """Input attributes that tie a field to its hint and errors for screen readers."""
    described = []
    if hint:
        described.append(f"{field.id}-hint")
    if field.errors:
        described.append(f"{field.id}-error")
    attrs = {
        "aria-describedby": " ".join(described) or None,
        "aria-invalid": "true" if field.errors else None,
        "required": True if field.flags.required else None,
        **extra,
    }
    return {key: value for key, value in attrs.items() if value is not None}


# The facilitator's menu; an entry shows once its feature has registered the endpoint.
NAV = [
    ("dialogues.index", _l("Dialoger")),
    ("organizations.index", _l("Organisationer")),
    ("themes.index", _l("Teman")),
    ("library.index", _l("Goda exempel")),
    ("insights.overview", _l("Översikt")),
    ("followups.overview", _l("Uppföljning")),
    ("api.tokens", _l("API-nycklar")),
]


class Labels:
    """Every enum's labels for the templates, under the name its feature gave them:
    `labels.stances[value]`, `labels.statuses[dialogue.status]`. Each dict is the one beside
    its enum in the feature's `models.py`, registered by the feature's `init_app`; a template
    never writes a label itself. A key is the enum member or its value (a `StrEnum` is both)."""

    def __init__(self) -> None:
        self._groups: dict[str, Mapping] = {}

    def register(self, **groups: Mapping) -> None:
        for name, labels in groups.items():
            if name in self._groups and self._groups[name] is not labels:
                raise ValueError(f"labels {name!r} registered twice")
            self._groups[name] = labels

    def __getattr__(self, name: str) -> dict:
        try:
            group = self.__dict__["_groups"][name]
        except KeyError:
            raise AttributeError(name) from None
        # Plain text in the current language: escaped like any text, and JSON for scripts.
        return {key: str(label) for key, label in group.items()}


def register_labels(app: Flask, **groups: Mapping) -> None:
    """Give the templates an enum's labels as `labels.<name>` (see `Labels`)."""
    app.jinja_env.globals.setdefault("labels", Labels()).register(**groups)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["field_attrs"] = field_attrs
    # A feature whose init_app ran first has registered its labels already: keep them.
    app.jinja_env.globals.setdefault("labels", Labels())

    app.jinja_env.globals["term"] = term

    def facilitator_nav():
        if getattr(current_user, "organization_id", None):  # a board's staff account
            return [("followups.board_home", _l("Vår uppföljning")),
                    ("api.board_tokens", _l("API-nycklar"))]
        return [(endpoint, label) for endpoint, label in NAV if endpoint in app.view_functions]

    app.jinja_env.globals["facilitator_nav"] = facilitator_nav
