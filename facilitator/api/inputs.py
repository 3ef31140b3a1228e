"""What the API takes: the JSON body of a POST or PUT, described from the WTForms form that
validates it.

The form is the one declaration of an input: pages, the API and socket events all validate with
it (`core/payloads.validated`). `input_schema` reads its fields and validators and gives the
marshmallow schema the OpenAPI document shows, so the document cannot drift from what is checked.
"""

from marshmallow import EXCLUDE, Schema, fields, validate
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectFieldBase,
    SelectMultipleField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from .schemas import MAX_ID

#: A datetime-local field's format as a pattern: what the form can parse.
_FORMAT_PATTERNS = {"%Y-%m-%dT%H:%M": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"}

_REPLACE_NOTE = (
    "POST and PUT take every field: PUT replaces the resource, so send all fields again. "
    "A boolean or list left out counts as its default or empty."
)


def _unbound_fields(form_class) -> list[tuple[str, UnboundField]]:
    found = [(name, value) for name in dir(form_class)
             if isinstance(value := getattr(form_class, name, None), UnboundField)]
    return sorted(found, key=lambda pair: pair[1].creation_counter)


def _validators(unbound: UnboundField) -> list:
    return list(unbound.kwargs.get("validators") or [])


def _static_choices(unbound: UnboundField) -> list[str] | None:
    choices = unbound.kwargs.get("choices")
    if not choices:
        return None
    return [getattr(c, "value", c[0] if isinstance(c, tuple) else c) for c in choices]


def _field(unbound: UnboundField, description: str | None) -> fields.Field:
    """The marshmallow field for one form field, with the form's limits."""
    kind = unbound.field_class
    checks = _validators(unbound)
    required = any(isinstance(v, DataRequired | InputRequired) for v in checks)
    # DataRequired refuses an empty or blank text: at least one character.
    least = 1 if any(isinstance(v, DataRequired) for v in checks) else 0
    limits = []
    for check in checks:
        if isinstance(check, Length):
            longest = check.max if check.max >= 0 else None
            limits.append(validate.Length(min=max(check.min, least) or None, max=longest))
        elif isinstance(check, NumberRange):
            limits.append(validate.Range(check.min, check.max))
    if least and not any(isinstance(check, Length) for check in checks):
        limits.append(validate.Length(min=least))
    metadata = {"description": description} if description else {}
    common = {"required": required, "allow_none": not required, "validate": limits,
              "metadata": metadata}
    if issubclass(kind, BooleanField):
        return fields.Boolean(**common)
    if issubclass(kind, IntegerField):
        return fields.Integer(strict=True, **common)
    if issubclass(kind, SelectMultipleField):
        return fields.List(fields.Integer(strict=True, validate=validate.Range(1, MAX_ID)),
                           **common)
    if issubclass(kind, SelectFieldBase) and (choices := _static_choices(unbound)):
        common["validate"] = [*limits, validate.OneOf(choices)]
        return fields.String(**common)
    if issubclass(kind, DateField):
        # A date the form parses: YYYY-MM-DD ("format": "date").
        return fields.Date(**common)
    if issubclass(kind, DateTimeLocalField):
        fmt = unbound.kwargs.get("format")
        fmt = fmt[0] if isinstance(fmt, list | tuple) else fmt
        if pattern := _FORMAT_PATTERNS.get(fmt):
            common["metadata"] = {"pattern": pattern, **metadata}
        return fields.String(**common)
    if issubclass(kind, EmailField):
        return fields.Email(**common)
    return fields.String(**common)


def input_schema(form_class, name: str, *, descriptions: dict[str, str] | None = None,
                 skip: tuple[str, ...] = ()) -> type[Schema]:
    """The marshmallow schema of the JSON body `form_class` validates, named `name`."""
    descriptions = descriptions or {}
    declared = {field_name: _field(unbound, descriptions.get(field_name))
                for field_name, unbound in _unbound_fields(form_class) if field_name not in skip}
    # Keys a form does not know are left out, as the form leaves them.
    meta = type("Meta", (), {"unknown": EXCLUDE})
    return type(name, (Schema,), {**declared, "Meta": meta, "__doc__": _REPLACE_NOTE})
