"""Forms for the API token page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Namn på nyckeln"), validators=[DataRequired(), Length(max=80)])


class RevokeForm(FlaskForm):
    """An empty form: a CSRF-protected confirmation."""


class BoardTokenForm(FlaskForm):
    """An admin's new token for a board: its name and the board it belongs to."""

    name = StringField(_l("Namn på nyckeln"), validators=[DataRequired(), Length(max=80)])
    organization_id = SelectField(_l("Nämnd"), coerce=int, validators=[InputRequired(
        message=_l("Välj vilken nämnd nyckeln ska höra till."))], validate_choice=True)

    def __init__(self, *args, organization_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [SelectChoice(v, str(label))
                                        for v, label in organization_choices or []]
