"""Forms for follow-up items, their status, comments, evidence, review links and the overview."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FileField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..core.glossary import TERMS
from .models import AGREEMENT_LABELS, STATUS_LABELS, Agreement, FollowUpStatus

IVO_OWNER = "ivo"


def _choices(pairs):
    return [SelectChoice(str(value), str(label)) for value, label in pairs]


class _OwnerChoicesForm(FlaskForm):
    """A form whose owner (board) choices are given when it is built: `owner_choices=`."""

    def __init__(self, *args, owner_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hasattr(self, "owner"):
            self.owner.choices = [SelectChoice(str(v), str(label))
                                  for v, label in owner_choices or []]


class FollowUpForm(_OwnerChoicesForm):
    title = StringField(_l("Vad ska göras?"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Beskrivning"), validators=[Optional(), Length(max=5000)])
    owner = SelectField(TERMS["owner"], validators=[InputRequired()], validate_choice=True)
    responsible_role = StringField(TERMS["responsible_role"],
                                   validators=[Optional(), Length(max=120)])
    due_date = DateField(TERMS["due_date"], validators=[Optional()])
    agreement = RadioField(
        TERMS["stance"],
        choices=[SelectChoice(a.value, label) for a, label in AGREEMENT_LABELS.items()],
        default=Agreement.SHARED.value, validators=[InputRequired()],
    )
    # No Optional(): it would stop the chain before the "both views" check below.
    ivo_position = TextAreaField(_l("IVO:s syn"), validators=[Length(max=5000)])
    board_position = TextAreaField(_l("Nämndens syn"), validators=[Length(max=5000)])
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, STATUS_LABELS[s])
                 for s in (FollowUpStatus.PROPOSED, FollowUpStatus.AGREED)],
        default=FollowUpStatus.AGREED.value, validators=[Optional()],
    )
    #: "reflection:12", "question:7" or "disagreement:9"; checked against the dialogue.
    source = HiddenField(validators=[Optional(), Length(max=40)])

    def validate_ivo_position(self, field):
        if self.agreement.data == Agreement.DIFFERENT.value and not (field.data or "").strip():
            raise ValidationError(_l("Skriv IVO:s syn när ni ser olika på saken."))

    def validate_board_position(self, field):
        if self.agreement.data == Agreement.DIFFERENT.value and not (field.data or "").strip():
            raise ValidationError(_l("Skriv nämndens syn när ni ser olika på saken."))


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Ny status"),
        choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        validators=[InputRequired(message=_l("Välj en ny status."))],
    )
    comment = TextAreaField(_l("Kommentar: vad har gjorts?"),
                            validators=[Optional(), Length(max=5000)])
    reason = TextAreaField(_l("Skäl (krävs för ”Ej genomförd”)"),
                           validators=[Length(max=5000)])

    def validate_reason(self, field):
        if self.status.data == FollowUpStatus.NOT_DONE.value and not (field.data or "").strip():
            raise ValidationError(_l("Skriv varför åtgärden inte blev genomförd."))


class CommentForm(FlaskForm):
    comment = TextAreaField(_l("Kommentar"), validators=[DataRequired(), Length(max=5000)])


class EvidenceForm(FlaskForm):
    text = TextAreaField(_l("Beskrivning av underlaget"), validators=[Optional(), Length(max=5000)])
    url = URLField(_l("Länk"), validators=[Optional(), Length(max=1000)])
    file = FileField(_l("Fil (PDF, DOCX, PNG eller JPEG, högst 10 MB)"))

    def validate_url(self, field):
        value = (field.data or "").strip()
        if value and not value.lower().startswith(("https://", "http://")):
            raise ValidationError(_l("Länken ska börja med https:// eller http://."))


class ReviewLinkForm(FlaskForm):
    organization_id = SelectField(_l("Nämnd"), coerce=int, validators=[InputRequired()],
                                  validate_choice=True)
    days = IntegerField(_l("Giltig i antal dagar"), default=180,
                        validators=[InputRequired(), NumberRange(min=1, max=730)])

    def __init__(self, *args, organization_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [SelectChoice(v, str(label))
                                        for v, label in organization_choices or []]


class OverviewFilterForm(FlaskForm):
    class Meta:
        csrf = False

    due_from = DateField(_l("Klart senast, från"), validators=[Optional()])
    due_to = DateField(_l("Klart senast, till"), validators=[Optional()])
    organization_id = SelectField(_l("Nämnd"), validators=[Optional()], validate_choice=False)
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Alla"))]
        + [SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        validators=[Optional()],
    )

    def __init__(self, *args, organization_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = _choices([("", _l("Alla nämnder"))]
                                                + list(organization_choices or []))

    def validate_due_to(self, field):
        if field.data and self.due_from.data and field.data < self.due_from.data:
            raise ValidationError(_l("Slutdatumet kan inte vara före startdatumet."))
