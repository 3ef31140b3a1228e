from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("E-postadress"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(), Length(max=512)])


class UserForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("E-postadress"), validators=[DataRequired(), Email(check_deliverability=False),
                                        Length(max=254)]
    )
    password = PasswordField(
        _l("Lösenord (lämna tomt för att skapa ett)"),
        validators=[Optional(), Length(min=12, max=512)],
    )
    is_admin = BooleanField(_l("Administratör"))
    #: A board's staff account: sees only that board's follow-up items (choices set by the page).
    organization_id = SelectField(_l("Nämnd (bara för en nämnds konto)"), choices=[],
                                  validators=[Optional()])


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected confirmation."""
