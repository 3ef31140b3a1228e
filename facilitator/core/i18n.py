"""Languages: Swedish first, English second; the choice persists in a cookie."""

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, format_time, get_locale

from . import glossary

LANG_COOKIE = "lang"


def select_locale() -> str:
    """The visitor's chosen language, or Swedish."""
    chosen = request.cookies.get(LANG_COOKIE) if request else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt)
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt)
    app.jinja_env.filters["time"] = lambda value, fmt="short": format_time(value, fmt)
    # the glossary's date formats: long in text and histories, ISO in table cells

    for name in ("long_date", "long_datetime", "iso_date", "iso_datetime"):
        app.jinja_env.filters[name] = getattr(glossary, name)

    @app.context_processor
    def _language():
        return {"current_lang": str(get_locale() or "sv"), "languages": app.config["LANGUAGES"]}
