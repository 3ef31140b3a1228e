"""Forms for joining a dialogue: the code, and the participant's board, role and name."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from .models import ROLE_LABELS, Role

#: What a participant picks when they do not take part for a board (IVO staff and others).
NO_BOARD = "none"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CodeForm(FlaskForm):
    code = StringField(
        _l("Mötets kod"),
        validators=[DataRequired(message=_l("Skriv koden du har fått.")), Length(max=20)],
        filters=[_strip],
    )


class ProfileForm(FlaskForm):
    """Board, role and optional name. Choices of boards come from the dialogue."""

    organization = SelectField(
        _l("Nämnd"),
        validators=[InputRequired(message=_l("Välj vilken nämnd du deltar för."))],
        validate_choice=False,
    )
    role = RadioField(
        _l("Roll"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(message=_l("Välj din roll."))],
        validate_choice=False,
    )
    name = StringField(
        _l("Namn (frivilligt)"),
        validators=[Optional(), Length(max=80, message=_l("Skriv högst 80 tecken."))],
        filters=[_strip],
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = [SelectChoice("", _l("Välj nämnd"))] + [
            SelectChoice(str(org.id), org.short_name) for org in organizations
        ] + [SelectChoice(NO_BOARD, _l("Ingen nämnd / IVO"))]

    def validate_organization(self, field):
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise ValidationError(_l("Välj en av nämnderna i listan."))

    def validate_role(self, field):
        if field.data not in {role.value for role in Role}:
            raise ValidationError(_l("Välj en av rollerna i listan."))
