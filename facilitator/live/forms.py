"""Socket payloads are validated by forms, like every other input."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..contributions.models import StanceValue


class VoteForm(Form):
    question_id = IntegerField(validators=[InputRequired()])
    on = BooleanField()


class StanceForm(Form):
    reflection_id = IntegerField(validators=[InputRequired()])
    value = SelectField(choices=[(v.value, v.value) for v in StanceValue],
                        validators=[InputRequired()])


class ModerateForm(Form):
    action = SelectField(
        choices=[(a, a) for a in ("approve", "hide", "answer", "unanswer", "pin", "unpin",
                                  "merge", "edit")],
        validators=[InputRequired()],
    )
    id = IntegerField(validators=[InputRequired()])
    into_id = IntegerField(validators=[Optional()])
    text = StringField(_l("Text"), validators=[Optional(), Length(max=2000)])


class AgendaForm(Form):
    action = SelectField(choices=[(a, a) for a in ("start", "next", "previous", "goto")],
                         validators=[InputRequired()])
    item_id = IntegerField(validators=[Optional()])


class IntakeForm(Form):
    open = BooleanField()


class PollForm(Form):
    action = SelectField(choices=[("open", "open"), ("close", "close")],
                         validators=[InputRequired()])
    reflection_id = IntegerField(validators=[Optional()])
    results_live = BooleanField(default=True)


class ClientIdForm(Form):
    client_id = StringField(validators=[DataRequired(), Length(min=8, max=64)])
