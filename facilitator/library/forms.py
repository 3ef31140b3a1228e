"""The library's filters (a GET form: no CSRF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional


class LibraryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Sök"), validators=[Optional(), Length(max=200)])
    tema = SelectField(_l("Tema"), validators=[Optional()], validate_choice=True)
    namnd = SelectField(_l("Nämnd"), validators=[Optional()], validate_choice=True)

    def __init__(self, *args, theme_choices=(), board_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tema.choices = [("", _l("Alla teman"))] + [(str(v), label)
                                                         for v, label in theme_choices]
        self.namnd.choices = [("", _l("Alla nämnder"))] + [(str(v), label)
                                                           for v, label in board_choices]
