"""Small template helpers shared by every feature."""

from flask import Flask


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


def init_app(app: Flask) -> None:
    app.jinja_env.globals["field_attrs"] = field_attrs
