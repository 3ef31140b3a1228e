"""Socket payloads are validated by forms, like every other input."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..contributions.models import StanceValue
from ..meetings.models import RESULTS_VIEWS

#: Ids fit a 32-bit integer column; larger numbers are refused before they reach the database.
ID_RANGE = NumberRange(min=1, max=2**31 - 1)


class DefaultTrueField(BooleanField):
    """A boolean that stays true when the payload leaves it out (WTForms would make it false)."""

    def process_formdata(self, valuelist):
        if valuelist:
            super().process_formdata(valuelist)


class VoteForm(Form):
    question_id = IntegerField(validators=[InputRequired(), ID_RANGE])
    on = BooleanField()


class StanceForm(Form):
    reflection_id = IntegerField(validators=[InputRequired(), ID_RANGE])
    value = SelectField(choices=[SelectChoice(v.value, v.value) for v in StanceValue],
                        validators=[InputRequired()])


#: The moderation actions, each with its handler in `moderation.ACTIONS`.
MODERATION_ACTIONS = ("approve", "hide", "answer", "unanswer", "pin", "unpin", "merge", "edit")


class ModerateForm(Form):
    action = SelectField(
        choices=[SelectChoice(a, a) for a in MODERATION_ACTIONS],
        validators=[InputRequired()],
    )
    id = IntegerField(validators=[InputRequired(), ID_RANGE])
    into_id = IntegerField(validators=[Optional(), ID_RANGE])
    text = StringField(_l("Text"), validators=[Optional(), Length(max=2000)])


class AgendaForm(Form):
    action = SelectField(
        choices=[SelectChoice(a, a) for a in ("start", "next", "previous", "goto")],
        validators=[InputRequired()],
    )
    item_id = IntegerField(validators=[Optional(), ID_RANGE])


class IntakeForm(Form):
    open = BooleanField()


class PollForm(Form):
    action = SelectField(choices=[SelectChoice("open", "open"), SelectChoice("close", "close")],
                         validators=[InputRequired()])
    reflection_id = IntegerField(validators=[Optional(), ID_RANGE])
    results_live = DefaultTrueField(default=True)


class ResultsViewForm(Form):
    view = SelectField(choices=[SelectChoice(v, v) for v in RESULTS_VIEWS],
                       validators=[InputRequired()])


class SplitForm(Form):
    """The reflection whose split the projector shows; none (or 0) stops showing it."""

    reflection_id = IntegerField(validators=[Optional(), NumberRange(min=0, max=2**31 - 1)])


class ClientIdForm(Form):
    client_id = StringField(validators=[DataRequired(), Length(min=8, max=64)])
