"""Forms for dialogues, reflections and agenda items.

Choices for the multi-select fields come from the database; the service passes them in
(`organization_choices=`, `facilitator_choices=`, `reflection_choices=`).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from .models import KIND_LABELS, MODE_LABELS, ParticipationMode

START_FORMAT = "%Y-%m-%dT%H:%M"


class _ChoicesForm(FlaskForm):
    """A form whose multi-select choices are given when it is built."""

    _choice_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        choices = {name: kwargs.pop(f"{name.removesuffix('_ids')}_choices", None)
                   for name in self._choice_fields}
        super().__init__(*args, **kwargs)
        for name, given in choices.items():
            getattr(self, name).choices = [
                c if isinstance(c, SelectChoice) else SelectChoice(*c) for c in given or []
            ]


class MultiCheckboxField(SelectMultipleField):
    """A multi-select shown as checkboxes; ids are integers."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("validate_choice", True)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        # An empty string (a JSON false or null in a list) means nothing chosen.
        super().process_formdata([value for value in valuelist if value != ""])


class DialogueForm(_ChoicesForm):
    _choice_fields = ("organization_ids", "facilitator_ids")

    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Syfte"), validators=[Optional(), Length(max=5000)])
    starts_at = DateTimeLocalField(
        _l("Datum och tid"), format=START_FORMAT, validators=[Optional()]
    )

    def validate_starts_at(self, field):
        # Far-off years overflow the conversion to UTC; no meeting is planned outside these.
        if field.data is not None and not 2000 <= field.data.year <= 2100:
            raise ValidationError(_l("Ange ett datum mellan år 2000 och 2100."))
    duration_minutes = IntegerField(
        _l("Mötets längd i minuter"), default=180,
        validators=[InputRequired(), NumberRange(min=15, max=720)],
    )
    place_room = StringField(_l("Lokal"), validators=[Optional(), Length(max=200)])
    place_address = StringField(_l("Adress"), validators=[Optional(), Length(max=300)])
    is_digital = BooleanField(_l("Digitalt möte"))
    organization_ids = MultiCheckboxField(_l("Deltagande nämnder"))
    facilitator_ids = MultiCheckboxField(_l("Samordnare"))
    premoderation = BooleanField(
        _l("Förhandsgranska inlägg innan rummet ser dem"), default=True
    )
    participation_mode = RadioField(
        _l("Deltagande"), default=ParticipationMode.PSEUDONYMOUS.value,
        choices=[SelectChoice(mode.value, label) for mode, label in MODE_LABELS.items()],
        validators=[InputRequired()],
    )
    show_board_results = BooleanField(_l("Visa resultat per nämnd för rummet"), default=True)


class ReflectionForm(_ChoicesForm):
    _choice_fields = ("organization_ids", "theme_ids")

    kind = SelectField(
        _l("Typ"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[DataRequired()],
    )
    title = StringField(_l("Rubrik"), validators=[DataRequired(), Length(max=200)])
    body_md = TextAreaField(_l("Text"), validators=[Optional(), Length(max=20000)])
    legal_basis = StringField(_l("Lagrum"), validators=[Optional(), Length(max=200)])
    evidence = StringField(_l("Underlag"), validators=[Optional(), Length(max=300)])
    applies_to_all = BooleanField(_l("Gäller alla nämnder i dialogen"), default=True)
    organization_ids = MultiCheckboxField(_l("Gäller dessa nämnder"))
    theme_ids = MultiCheckboxField(_l("Teman"))
    #: The earlier reflection this one starts from (set by "Utgå från en tidigare").
    origin_id = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def validate_organization_ids(self, field):
        if not self.applies_to_all.data and not field.data:
            raise ValidationError(
                _l("Välj minst en nämnd, eller markera att reflektionen gäller alla.")
            )


class AgendaItemForm(_ChoicesForm):
    _choice_fields = ("reflection_ids",)

    title = StringField(_l("Rubrik"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Beskrivning"), validators=[Optional(), Length(max=5000)])
    planned_minutes = IntegerField(
        _l("Planerade minuter"), default=15, validators=[InputRequired(), NumberRange(1, 600)]
    )
    reflection_ids = MultiCheckboxField(_l("Reflektioner som tas upp"))


class TransitionForm(FlaskForm):
    to_status = HiddenField(validators=[DataRequired()])


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected confirmation."""
