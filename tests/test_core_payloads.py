"""WTForms' own messages, as `validated` gives them: in the visitor's language, from a
catalogue loaded once per process and language (every socket event is a request of its own)."""

import pytest
from flask_babel import refresh
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange

from facilitator.core import payloads
from facilitator.errors import ValidationFailed


class _Count(FlaskForm):
    n = IntegerField(validators=[NumberRange(min=1, max=5)])


def _message(app, lang: str) -> str:
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        refresh()  # the test's app context outlives the request: forget its language
        with pytest.raises(ValidationFailed) as refused:
            payloads.validated(_Count, {"n": "många"})
        return refused.value.errors["n"][0]


def test_wtforms_messages_follow_the_language_and_the_catalogue_is_loaded_once(app, monkeypatch):
    payloads._wtforms_catalogue.cache_clear()
    loads = []
    real = payloads.support.Translations.load
    monkeypatch.setattr(payloads.support.Translations, "load",
                        lambda *a, **k: (k.get("domain") == "wtforms" and loads.append(a[1]))
                        or real(*a, **k))
    swedish = [_message(app, "sv") for _ in range(3)]
    english = _message(app, "en")
    assert swedish == ["Inte ett giltigt heltal"] * 3  # WTForms' own Swedish
    assert english.startswith("Not a valid integer")
    assert loads == [["sv"], ["en"]]
