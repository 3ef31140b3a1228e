"""Forms and labels for the minutes (protokoll)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected confirmation (close, regenerate, fastställ)."""


class CorrectionForm(FlaskForm):
    """A correction after the minutes were fastställt: a new version, saying what changed."""

    note = TextAreaField(
        _l("Vad rättas?"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Skriv vad som rättas, till exempel ”Fel ansvarig roll på punkt 2”.")),
            Length(max=500, message=_l("Skriv högst 500 tecken.")),
        ],
    )
