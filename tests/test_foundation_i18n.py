"""Languages and dates: Swedish first, English by choice, times in Europe/Stockholm."""

import subprocess
from datetime import datetime

import pytest
from babel.messages.pofile import read_po
from conftest import BIN, ROOT
from flask import render_template_string

PO = ROOT / "facilitator" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_start_page_is_swedish_by_default(client):
    response = client.get("/")
    assert 'lang="sv"' in response.text
    assert "Hoppa till innehållet" in response.text
    assert "Tillgänglighetsredogörelse" in response.text
    assert "In English" in response.text


def test_switching_to_english_sets_a_persistent_cookie_and_goes_back(client):
    response = client.post("/sprak", data={"lang": "en", "next": "/tillganglighet?x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/tillganglighet?x=1"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert cookie.startswith("lang=en;")
    max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
    assert 360 * 24 * 3600 <= max_age <= 366 * 24 * 3600
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert 'lang="en"' in client.get("/").text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/\\evil.example/", "/\t/evil.example/",
                                    "javascript:alert(1)", "evil.example"])
def test_the_switch_is_no_open_redirect(client, target):
    response = client.post("/sprak", data={"lang": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_ignored(client):
    response = client.post("/sprak", data={"lang": "xx", "next": "/"})
    assert response.status_code == 302
    assert not any(c.startswith("lang=") for c in response.headers.getlist("Set-Cookie"))
    assert 'lang="sv"' in client.get("/").text


def test_english_pages_are_in_english(client):
    client.post("/sprak", data={"lang": "en", "next": "/"})
    text = client.get("/").text
    assert 'lang="en"' in text
    for english in ("Skip to content", "Accessibility statement", "Log in"):
        assert english in text, f"{english!r} missing: is the .po translated and compiled?"
    assert "Hoppa till innehållet" not in text
    assert "På svenska" in text
    client.post("/sprak", data={"lang": "sv", "next": "/"})
    assert "Hoppa till innehållet" in client.get("/").text


def test_error_pages_follow_the_language(client):
    client.post("/sprak", data={"lang": "en", "next": "/"})
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert 'lang="en"' in response.text
    assert "Sidan finns inte" not in response.text


# --- the English catalogue -------------------------------------------------------------


def read_catalog(path):
    with open(path, "rb") as f:
        return read_po(f)


def test_every_english_message_is_translated():
    catalog = read_catalog(PO)
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and s.strip() for s in strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{len(untranslated)} without English: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"


def test_the_catalogue_covers_every_message_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(BIN / "pybabel"), "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    in_code = {m.id if isinstance(m.id, str) else m.id[0] for m in read_catalog(pot) if m.id}
    in_po = {m.id if isinstance(m.id, str) else m.id[0] for m in read_catalog(PO) if m.id}
    assert len(in_code) > 50
    missing = sorted(in_code - in_po)
    assert not missing, f"{len(missing)} messages not in the English .po: {missing[:10]}"


# --- dates ---------------------------------------------------------------------------


def render(template, **context):
    return render_template_string(template, **context)


def test_datetime_filter_shows_stockholm_time(app):
    summer = datetime(2026, 6, 1, 10, 0)  # stored UTC naive
    winter = datetime(2026, 1, 15, 10, 0)
    with app.test_request_context("/"):
        assert "12:00" in render("{{ d|datetime }}", d=summer)
        assert "2026" in render("{{ d|datetime }}", d=summer)
        assert render("{{ d|time }}", d=summer) == "12:00"
        assert render("{{ d|time }}", d=winter) == "11:00"
        assert "juni" in render("{{ d|date }}", d=summer)


def test_date_filter_uses_the_stockholm_day(app):
    late = datetime(2026, 6, 1, 22, 30)  # 00:30 on 2 June in Stockholm
    with app.test_request_context("/"):
        assert render("{{ d|date }}", d=late).startswith("2 juni")
