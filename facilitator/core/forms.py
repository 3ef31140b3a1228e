from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField


class LanguageForm(FlaskForm):
    lang = SelectField(choices=[("sv", "Svenska"), ("en", "English")])
    next = HiddenField()
