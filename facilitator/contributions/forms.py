"""Forms for what participants submit before and during the meeting."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from .models import STANCE_LABELS, ContributionKind, StanceValue


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def new_client_id() -> str:
    """The server's fallback for the id the phone normally makes with crypto.randomUUID()."""
    return str(uuid.uuid4())


class _ContributionForm(FlaskForm):
    """Shared fields. `kind` names the form class in the payload."""

    MAX_LENGTH = 1000

    client_id = HiddenField(
        validators=[Optional(), Length(max=64),
                    Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Ogiltigt id."))],
        default=new_client_id,
    )
    kind = HiddenField()
    reflection_id = IntegerField(
        widget=HiddenField.widget, validators=[Optional()],
    )
    agenda_item_id = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    text = TextAreaField(filters=[_strip])

    def validate_text(self, field):
        if not field.data:
            raise ValidationError(_l("Skriv något innan du skickar."))
        if len(field.data) > self.MAX_LENGTH:
            raise ValidationError(
                _l("Texten är %(n)d tecken lång. Korta den till högst %(max)d tecken.",
                   n=len(field.data), max=self.MAX_LENGTH)
            )


class QuestionForm(_ContributionForm):
    text = TextAreaField(_l("Din fråga"), filters=[_strip], validators=[DataRequired(
        message=_l("Skriv din fråga innan du skickar."))])


class DisagreementForm(_ContributionForm):
    text = TextAreaField(
        _l("Varför delar ni inte IVO:s bild?"), filters=[_strip],
        validators=[DataRequired(message=_l("Skriv varför ni inte delar bilden."))],
    )
    reflection_id = IntegerField(
        widget=HiddenField.widget,
        validators=[InputRequired(message=_l("Välj vilken reflektion invändningen gäller."))],
    )


class GoodExampleForm(_ContributionForm):
    MAX_LENGTH = 2000
    text = TextAreaField(
        _l("Beskriv ert goda exempel"), filters=[_strip],
        validators=[DataRequired(message=_l("Beskriv exemplet innan du skickar."))],
    )
    share_consent = BooleanField(
        _l("IVO får dela exemplet med andra nämnder i biblioteket med goda exempel"),
        default=False,
    )


FORMS = {
    ContributionKind.QUESTION: QuestionForm,
    ContributionKind.DISAGREEMENT: DisagreementForm,
    ContributionKind.GOOD_EXAMPLE: GoodExampleForm,
}


class StanceForm(FlaskForm):
    reflection_id = IntegerField(
        widget=HiddenField.widget,
        validators=[InputRequired(message=_l("Välj vilken reflektion det gäller."))],
    )
    value = RadioField(
        _l("Delar du IVO:s bild?"),
        choices=[SelectChoice(value.value, label) for value, label in STANCE_LABELS.items()],
        validators=[InputRequired(message=_l("Välj ett av svaren."))],
        validate_choice=False,
    )
    phase = HiddenField(validators=[Optional()])

    def validate_value(self, field):
        if field.data not in {value.value for value in StanceValue}:
            raise ValidationError(_l("Välj ett av svaren."))


def with_ids(form, prefix: str):
    """Give a form's fields unique ids (one form per reflection on a page); names stay."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
        field.label.field_id = field.id
    return form
