"""Forms for IVO's decision, a board's measure for one deficiency, and IVO's review."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..core.glossary import TERMS
from ..dialogues.forms import MultiCheckboxField
from .models import KIND_LABELS, MEASURE_STATUS_LABELS, MeasureKind, MeasureStatus, ReportStatus


class DecisionForm(FlaskForm):
    decided_on = DateField(_l("Beslutsdatum"), validators=[InputRequired(
        message=_l("Ange beslutsdatum."))])
    case_number = StringField(TERMS["case_number"], validators=[
        DataRequired(message=_l("Ange diarienumret.")), Length(max=60)])
    report_due = DateField(_l("Redovisas senast"), validators=[InputRequired(
        message=_l("Ange när nämnderna senast ska redovisa."))])
    requirement_ids = MultiCheckboxField(_l("Brister som kräver åtgärder"))

    def __init__(self, *args, requirement_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirement_ids.choices = [SelectChoice(v, str(label))
                                        for v, label in requirement_choices or []]

    def validate_report_due(self, field):
        if field.data and self.decided_on.data and field.data < self.decided_on.data:
            raise ValidationError(_l("Sista dag för redovisningen kan inte vara före "
                                     "beslutsdatumet."))

    def validate_requirement_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Välj minst en brist som beslutet kräver åtgärder för."))


class MeasureForm(FlaskForm):
    text = TextAreaField(_l("Åtgärd"), validators=[
        DataRequired(message=_l("Beskriv åtgärden.")), Length(max=5000)])
    kind = RadioField(_l("Vidtagen eller planerad"),
                      choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
                      default=MeasureKind.PLANNED.value, validators=[InputRequired()])
    timetable = StringField(_l("Tidplan"), validators=[
        DataRequired(message=_l("Ange en tidplan.")), Length(max=300)])
    responsible_role = StringField(TERMS["responsible_role"], validators=[
        DataRequired(message=_l("Ange vilken roll som ansvarar.")), Length(max=120)])
    status = RadioField(_l("Status"),
                        choices=[SelectChoice(s.value, label)
                                 for s, label in MEASURE_STATUS_LABELS.items()],
                        default=MeasureStatus.PLANNED.value, validators=[InputRequired()])
    evidence = TextAreaField(TERMS["evidence"], validators=[Optional(), Length(max=5000)])


class ReviewForm(FlaskForm):
    outcome = RadioField(_l("IVO:s besked"), choices=[
        SelectChoice(ReportStatus.ACKNOWLEDGED.value, _l("Bekräfta att redovisningen är mottagen")),
        SelectChoice(ReportStatus.ADDITIONS_REQUESTED.value, _l("Begär komplettering")),
    ], validators=[InputRequired(message=_l("Välj ett besked."))])
    comment = TextAreaField(_l("Kommentar till nämnden"), validators=[Length(max=5000)])

    def validate_comment(self, field):
        if (self.outcome.data == ReportStatus.ADDITIONS_REQUESTED.value
                and not (field.data or "").strip()):
            raise ValidationError(_l("Skriv vad nämnden behöver komplettera."))
