"""The admin's form for a theme."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ThemeForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Beskrivning"), validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("Erbjuds när reflektioner skrivs"), default=True)
