from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField


class LanguageForm(FlaskForm):
    lang = SelectField(choices=[SelectChoice("sv", "Svenska"), SelectChoice("en", "English")])
    next = HiddenField()
