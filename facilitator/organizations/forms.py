from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from .models import KIND_LABELS


class OrganizationForm(FlaskForm):
    name = StringField(_l("Fullständigt namn"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Kortnamn"), validators=[DataRequired(), Length(max=40)])
    kind = SelectField(
        _l("Typ"), choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[DataRequired()],
    )
    contact_email = EmailField(
        _l("Kontaktadress (e-post)"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
    )
