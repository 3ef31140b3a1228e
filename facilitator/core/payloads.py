"""One way to validate input: a WTForms form, whether the input came from a page,
the JSON API or a socket event."""

import json
import re
from collections.abc import Mapping
from functools import lru_cache

from babel import support
from flask import has_request_context, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms.i18n import messages_path

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


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _reuse_wtforms_catalogue() -> None:
    # Flask-WTF loads WTForms' own catalogue once per request, and every socket event is a
    # request of its own: loaded and parsed for every vote, 3 % of a busy server's time.
    # The catalogue does not change while the process runs; keep one per language.
    if has_request_context() and getattr(request, "wtforms_translations", None) is None:
        request.wtforms_translations = _wtforms_catalogue(str(get_locale()))


def validated(form_class, payload, **form_kwargs):
    """A validated form built from `payload`, or ValidationFailed with the field errors.

    CSRF is not checked here: pages are covered by CSRFProtect on every POST, the API by
    its bearer token and the socket by its authenticated connection.
    """
    _reuse_wtforms_catalogue()
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


#: A JSON body is read only up to this size and this nesting depth: beyond them it is refused
#: before the parser sees it (a deeply nested body would otherwise exhaust the parser's
#: recursion, a large one the worker's memory).
MAX_JSON_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32

_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def json_depth_exceeds(raw: bytes, limit: int) -> bool:
    """Whether the brackets in `raw` (strings skipped) nest deeper than `limit`."""
    depth = 0
    for match in _JSON_TOKENS.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def json_object(stream, content_length: int | None) -> dict:
    """A request body read (bounded) and parsed as a JSON object, or ValidationFailed."""
    wrong = _("Begäran måste ha en kropp som är ett JSON-objekt, till exempel "
              "{\"title\": \"Dialogmöte\"}.")
    if content_length is not None and content_length > MAX_JSON_BYTES:
        raise ValidationFailed(_("Begärans kropp är för stor. Den får vara högst 256 kB."))
    raw = stream.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise ValidationFailed(_("Begärans kropp är för stor. Den får vara högst 256 kB."))
    if json_depth_exceeds(raw, MAX_JSON_DEPTH):
        raise ValidationFailed(
            _("JSON-objektet är för djupt nästlat (högst %(n)s nivåer).", n=MAX_JSON_DEPTH))
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ValidationFailed(wrong) from None
    if not isinstance(data, dict):
        raise ValidationFailed(wrong)
    return data
