"""Security: CSRF, headers, cookies, production settings, error pages, CSP-safe templates."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from flask import abort

from facilitator import create_app
from facilitator.extensions import db

TEMPLATES = ROOT / "facilitator" / "templates"


def csp(response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no CSP on {response.request.path}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response, ws_origin="ws://localhost"):
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("script-src", ["'self'"])
    assert "'unsafe-eval'" not in policy.get("script-src", ["'self'"])
    assert ws_origin in policy["connect-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


# --- CSRF ------------------------------------------------------------------------------


def test_a_form_post_without_csrf_token_is_refused_in_swedish():
    app = create_app("testing", {"WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    assert client.get("/logga-in").status_code == 200

    response = client.post("/logga-in", data={"email": "a@ivo.se", "password": "x" * 12})

    assert response.status_code == 400
    assert 'lang="sv"' in response.text
    assert "Formuläret hade gått ut eller saknade sin säkerhetskod." in response.text
    assert "Traceback" not in response.text


def test_a_form_post_with_the_csrf_token_gets_through():
    app = create_app("testing", {"WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    page = client.get("/logga-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "the login form carries a csrf_token"
    response = client.post("/logga-in", data={"csrf_token": token.group(1),
                                              "email": "a@ivo.se", "password": "x" * 12})
    assert response.status_code == 401  # past CSRF, refused for the credentials


# --- headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/logga-in", "/finns-inte", "/static/css/app.css",
                                  "/static/js/app.js", "/healthz"])
def test_security_headers_everywhere(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert_security_headers(response)
    response.close()


def test_https_names_the_secure_socket_origin(client):
    response = client.get("/", base_url="https://localhost")
    assert_security_headers(response, ws_origin="wss://localhost")
    assert "ws://localhost" not in csp(response)["connect-src"]


def test_csp_names_the_host_the_request_came_to(client):
    response = client.get("/", base_url="http://aterforing.example:8080")
    assert "ws://aterforing.example:8080" in csp(response)["connect-src"]


# --- cookies and production ----------------------------------------------------------


def set_cookie_header(response, name="session") -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]
    assert cookies, f"no {name} cookie set"
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    make_user()
    response = client.post("/logga-in", data={"email": "anna@ivo.se",
                                              "password": "ett-langt-testlosenord"})
    assert response.status_code == 302
    cookie = set_cookie_header(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_session_cookie_is_secure():
    app = create_app("production", {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                    "SOCKETIO_ASYNC_MODE": "threading"})
    response = app.test_client().get("/logga-in", base_url="https://localhost")
    assert response.status_code == 200
    cookie = set_cookie_header(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["DEBUG"] is False and app.config["WTF_CSRF_ENABLED"] is not False


@pytest.mark.parametrize("secret", [None, ""])
def test_production_refuses_to_start_without_secret_key(secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", {"SECRET_KEY": secret})


def test_production_refuses_to_start_when_the_environment_has_no_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "APP_ENV")}
    env["APP_ENV"] = "production"
    done = subprocess.run(
        [sys.executable, "-c", "from facilitator import create_app; create_app()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode != 0
    assert "RuntimeError" in done.stderr and "SECRET_KEY" in done.stderr


# --- error pages -----------------------------------------------------------------------


@pytest.fixture
def failing_app():
    app = create_app("testing", {"PROPAGATE_EXCEPTIONS": False})

    @app.get("/test/status/<int:code>")
    def status(code):
        abort(code)

    @app.get("/test/boom")
    def boom():
        raise ValueError("hemlig-intern-detalj i stackspåret")

    with app.app_context():
        db.create_all()
    return app


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/test/status/400", 400, "Felaktig begäran"),
        ("/test/status/403", 403, "Åtkomst nekad"),
        ("/finns-inte", 404, "Sidan finns inte"),
        ("/test/status/429", 429, "För många försök"),
        ("/test/boom", 500, "Något gick fel"),
    ],
)
def test_error_pages_are_swedish_without_traceback(failing_app, path, status, title):
    response = failing_app.test_client().get(path)
    assert response.status_code == status
    text = response.text
    assert 'lang="sv"' in text
    assert f"<h1>{title}</h1>" in text
    assert f"Felkod: {status}" in text
    for leak in ("Traceback", "hemlig-intern-detalj", "ValueError", 'File "', "werkzeug"):
        assert leak not in text
    assert_security_headers(response)


def test_api_clients_get_json_errors(failing_app):
    response = failing_app.test_client().get("/test/boom",
                                             headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.is_json and "message" in response.json
    assert "hemlig-intern-detalj" not in response.text


# --- templates stay within the CSP -----------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
DATA_BLOCK = re.compile(r"""<script\b[^>]*\btype=["']application/json["']""", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style\b", re.I)
HANDLER_ATTR = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def template_files() -> list[Path]:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert files
    return files


def test_templates_have_no_inline_script_style_or_handlers():
    problems = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES)
        for match in INLINE_SCRIPT.finditer(text):
            # A JSON data block is not run, so CSP allows it; anything else with content is.
            if match.group(1).strip() and not DATA_BLOCK.match(match.group(0)):
                problems.append(f"{name}: inline <script> with content")
        if STYLE_ATTR.search(text):
            problems.append(f"{name}: style= attribute")
        if STYLE_TAG.search(text):
            problems.append(f"{name}: <style> element")
        if HANDLER_ATTR.search(text):
            problems.append(f"{name}: on*= handler attribute")
        if JS_URL.search(text):
            problems.append(f"{name}: javascript: URL")
    assert not problems, "\n".join(problems)


def test_the_template_scan_would_catch_a_violation():
    bad = '<p style="color:red" onclick="x()">x</p><script>alert(1)</script>'
    assert STYLE_ATTR.search(bad) and HANDLER_ATTR.search(bad)
    assert INLINE_SCRIPT.search(bad).group(1).strip()
    assert not HANDLER_ATTR.search('<form data-confirm="Ta bort?" class="inline">')
    assert DATA_BLOCK.match('<script type="application/json" id="x">{"a": 1}</script>')
    assert not DATA_BLOCK.match("<script>alert(1)</script>")
