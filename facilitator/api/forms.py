"""Forms for the API token page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Namn på nyckeln"), validators=[DataRequired(), Length(max=80)])


class RevokeForm(FlaskForm):
    """An empty form: a CSRF-protected confirmation."""
