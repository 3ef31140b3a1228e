"""One way to validate input: a WTForms form, whether the input came from a page,
the JSON API or a socket event."""

from collections.abc import Mapping

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..errors import ValidationFailed


def _as_form_value(value):
    # JSON gives booleans and numbers; form fields parse strings.
    if value is True:
        return "y"
    if value is False or value is None:
        return ""
    return _clean(str(value))


def _clean(text: str) -> str:
    # A NUL character is never meant, and PostgreSQL refuses to store one.
    return text.replace("\x00", "") if isinstance(text, str) else text


def to_multidict(payload) -> MultiDict:
    """Turn request.form, a JSON object or a socket payload into form data."""
    if isinstance(payload, MultiDict):
        return MultiDict([(key, _clean(value)) for key, value in payload.items(multi=True)])
    if not isinstance(payload, Mapping):
        raise ValidationFailed(_("Uppgifterna hade fel format."))
    items = []
    for key, value in payload.items():
        if not isinstance(key, str):
            continue
        if isinstance(value, list | tuple):
            items.extend((key, _as_form_value(v)) for v in value if not isinstance(v, dict | list))
        elif isinstance(value, dict):
            raise ValidationFailed(_("Uppgifterna hade fel format."), errors={key: [_("Fel typ.")]})
        else:
            items.append((key, _as_form_value(value)))
    return MultiDict(items)


def validated(form_class, payload, **form_kwargs):
    """A validated form built from `payload`, or ValidationFailed with the field errors.

    CSRF is not checked here: pages are covered by CSRFProtect on every POST, the API by
    its bearer token and the socket by its authenticated connection.
    """
    form = form_class(formdata=to_multidict(payload), meta={"csrf": False}, **form_kwargs)
    if isinstance(payload, Mapping) and not isinstance(payload, MultiDict):
        # A JSON object that leaves a checkbox out means "the default", not "unticked".
        for field in form:
            if field.type == "BooleanField" and field.name not in payload:
                field.data = bool(field.default)
    if not form.validate():
        raise ValidationFailed(_("Kontrollera uppgifterna i formuläret."), errors=form.errors)
    return form


def apply_errors(form, error: ValidationFailed):
    """Copy a service's field errors onto a page's form so they show next to the fields."""
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors or []) + list(messages)
    return form
