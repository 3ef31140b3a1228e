"""The overview's filters (a GET form: no CSRF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError


class OverviewForm(FlaskForm):
    class Meta:
        csrf = False

    fran = DateField(_l("Möten från"), validators=[Optional()])
    till = DateField(_l("Möten till"), validators=[Optional()])
    namnd = SelectField(_l("Nämnd"), validators=[Optional()], validate_choice=True)
    tema = SelectField(_l("Tema"), validators=[Optional()], validate_choice=True)

    def __init__(self, *args, board_choices=(), theme_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.namnd.choices = [("", _l("Alla nämnder"))] + [(str(v), n) for v, n in board_choices]
        self.tema.choices = [("", _l("Alla teman"))] + [(str(v), n) for v, n in theme_choices]

    def validate_till(self, field):
        if field.data and self.fran.data and field.data < self.fran.data:
            raise ValidationError(_l("Slutdatumet kan inte vara före startdatumet."))
