"""Shared fixtures: an app on in-memory SQLite per test, a live gunicorn server, Chromium.

Tests that need PostgreSQL, Redis or Chromium skip when it is missing, unless
REQUIRE_POSTGRES / REQUIRE_REDIS / REQUIRE_CHROMIUM is set (as CI does): then they fail.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

# Hypothesis keeps its example database and caches under the working directory by default:
# tests write only under temporary folders, so it gets one of its own.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="aterforing-hypothesis-")
)

# Every test, and every server or `flask` command a test starts, keeps its files in a
# temporary instance folder of its own, never in the checkout's instance/ (set before the
# app's config is imported; subprocesses inherit it).
_INSTANCE = tempfile.mkdtemp(prefix="aterforing-test-instance-")
os.environ["INSTANCE_PATH"] = _INSTANCE
os.environ.pop("UPLOAD_FOLDER", None)
os.environ.pop("DATABASE_URL", None)

from facilitator import create_app  # noqa: E402
from facilitator.extensions import db, limiter, socketio  # noqa: E402
from facilitator.live import ratelimits as live_ratelimits  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "ett-langt-testlosenord"


def need(service: str, available: bool, why: str = "") -> None:
    """Skip when a real service is missing, or fail when CI requires it."""
    if available:
        return
    message = f"{service} is not available{': ' + why if why else ''}"
    if os.environ.get(f"REQUIRE_{service.upper()}"):
        pytest.fail(f"{message} (REQUIRE_{service.upper()} is set)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the app on in-memory SQLite -------------------------------------------------


@pytest.fixture
def app():
    app = create_app("testing")
    with app.app_context():
        db.create_all()
        limiter.reset()
        live_ratelimits.reset()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    from facilitator.accounts import services

    def make(email="anna@ivo.se", name="Anna Andersson", is_admin=False, password=PASSWORD):
        return services.create_user(email, name, password, is_admin=is_admin)

    return make


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, email="anna@ivo.se", password=PASSWORD):
        return self.client.post("/logga-in", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logga-ut")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def socket_client(app, client):
    """Make a Socket.IO test client that shares the HTTP client's cookies."""
    made = []

    def make(flask_client=None, **kwargs):
        sc = socketio.test_client(app, flask_test_client=flask_client or client, **kwargs)
        made.append(sc)
        return sc

    yield make
    for sc in made:
        if sc.is_connected():
            sc.disconnect()


# --- real services -----------------------------------------------------------------


def _postgres_ok() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2):
            return True
    except Exception:
        return False


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    need("postgres", _postgres_ok(), PG_ADMIN_URL)
    import psycopg

    name = f"aterforing_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        ok = True
    except Exception:
        ok = False
    need("redis", ok, REDIS_URL)
    return REDIS_URL


# --- a live server: gunicorn, gevent, as in production -----------------------------


@dataclass
class LiveServer:
    url: str
    email: str
    password: str
    database_url: str
    env: dict
    process: subprocess.Popen

    def flask(self, *args: str, input: str | None = None) -> str:
        """Run a `flask` command against this server's database."""
        done = subprocess.run(
            [str(BIN / "flask"), *args], env=self.env, cwd=ROOT, input=input,
            capture_output=True, text=True, check=True,
        )
        return done.stdout


def start_server(env: dict, port: int, *, timeout: float = 60) -> subprocess.Popen:
    """Start gunicorn with one gevent worker and wait until /healthz answers."""
    import urllib.request

    # The server's log goes to a file: an unread pipe would fill up and stall the server.
    fd, log_path = tempfile.mkstemp(prefix=f"gunicorn-{port}-", suffix=".log")
    with os.fdopen(fd, "wb") as log:
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-k", "gevent", "-w", "1", "--worker-connections", "10000",
             "-b", f"127.0.0.1:{port}", "--graceful-timeout", "2", "wsgi:app"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
        )
    proc.log_path = log_path
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {Path(log_path).read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    proc.wait(10)  # reaped here, so no stray process is left to warn in a later test
    raise RuntimeError(f"server did not start in {timeout:.0f} s: "
                       f"{Path(log_path).read_text()[-2000:]}")


def server_env(database_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "REQUIRE_"))}
    env.update(
        FLASK_APP="facilitator", APP_ENV="development", DATABASE_URL=database_url,
        SECRET_KEY="live-test-secret", LOGIN_RATE_LIMIT="1000 per minute",
        LOGIN_ADDRESS_RATE_LIMIT="1000 per minute", **extra,
    )
    return env


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real server on a temporary SQLite file, with one admin facilitator."""
    tmp = tmp_path_factory.mktemp("live")
    env = server_env(f"sqlite:///{tmp / 'live.sqlite3'}")
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    email = "samordnare@ivo.se"
    subprocess.run(
        [str(BIN / "flask"), "users", "create", "--email", email, "--name", "Sara Samordnare",
         "--admin"],
        env=env, cwd=ROOT, input=f"{PASSWORD}\n{PASSWORD}\n", text=True, check=True,
        capture_output=True,
    )
    port = free_port()
    proc = start_server(env, port)
    yield LiveServer(f"http://127.0.0.1:{port}", email, PASSWORD, env["DATABASE_URL"], env, proc)
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- a real browser ------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    need("chromium", shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM), CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="sv-SE", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.1 A/AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    # Judge the page as a person reads it, once fades and glides have ended: mid-animation a
    # row fading in has blended colours that no one sees for more than half a second.
    page.evaluate("""() => Promise.race([
        Promise.all(document.getAnimations().map(a => a.finished.catch(() => null))),
        new Promise(r => setTimeout(r, 3000))])""")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def browser_login(page, server: LiveServer, email: str | None = None, password: str | None = None):
    page.goto(f"{server.url}/logga-in")
    page.get_by_label("E-postadress").fill(email or server.email)
    page.get_by_label("Lösenord").fill(password or server.password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


# --- each request and socket event starts with an empty `g` (appended by the foundation) --
# The `app` fixture keeps one app context pushed for the whole test, and Flask reuses it for
# every test-client request and every socket event. Without this, `g` would carry the
# logged-in user (Flask-Login), the language (Flask-Babel) and "CSRF already checked"
# (Flask-WTF) from one request, or one client, to the next. In production every request has
# its own app context; this makes tests behave the same.


def _clear_g(*_args, **_kwargs) -> None:
    from flask import g, has_app_context

    if has_app_context():
        g.__dict__.clear()


def _patch_socket_events() -> None:
    from flask_socketio import SocketIO

    if getattr(SocketIO._handle_event, "_clears_g", False):
        return
    original = SocketIO._handle_event

    def _handle_event(self, *args, **kwargs):
        _clear_g()
        return original(self, *args, **kwargs)

    _handle_event._clears_g = True
    SocketIO._handle_event = _handle_event


_patch_socket_events()


@pytest.fixture(autouse=True)
def _fresh_g_per_request(request):
    if "app" not in request.fixturenames:
        yield
        return
    from flask import request_started

    app = request.getfixturevalue("app")
    request_started.connect(_clear_g, app)
    yield
    request_started.disconnect(_clear_g, app)


# --- figures: measured by tests, printed once in the run's summary ------------------------------
# A test records a line with `record_property("figure", text)`; the line travels with the
# test's report (also from an xdist worker) and stands under "figures" at the end of the run.
_FIGURES: list[str] = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        _FIGURES.extend(value for key, value in report.user_properties if key == "figure")


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of the test's own on a free port (never the shared one), to kill or freeze."""
    from helpers_fault import OwnRedis  # helpers_fault imports this module

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGCONT)
        server.kill()
