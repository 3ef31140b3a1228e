"""Signing in through a real OpenID Connect provider process, in Chromium.

The provider is oidc-provider-mock on loopback (deploy/oidc_provider.py, with PKCE required);
the app is gunicorn as in production, reaching the provider through a proxy that passes its
calls on unchanged unless a test asks it to forge an ID token. Every refusal ends on a
Swedish page and leaves no login session.
"""

import re
import secrets
import sqlite3
import subprocess
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from conftest import BIN, ROOT, assert_accessible, free_port, server_env, start_server
from helpers_oidc import ForgingProxy

from deploy.oidc_provider import Provider

pytestmark = pytest.mark.xdist_group("oidc")

GROUP, ADMINS, BOARDS = "aterforing-samordnare", "aterforing-admin", "aterforing-namnd"


class World:
    def __init__(self, tmp, *, token_max_age=3600, **extra):
        self.provider = Provider(free_port(), token_max_age=token_max_age).wait()
        self.proxy = ForgingProxy()
        self.db_path = tmp / "oidc.sqlite3"
        env = server_env(
            f"sqlite:///{self.db_path}", OIDC_ISSUER=self.provider.url,
            OIDC_CLIENT_ID="aterforing", OIDC_CLIENT_SECRET="klienthemlighet",
            OIDC_ALLOWED_GROUP=GROUP, OIDC_ADMIN_GROUP=ADMINS, OIDC_BOARD_GROUP=BOARDS,
            OIDC_BOARD_CLAIM="organization", OIDC_ORGANIZATION="IVO", LOG_FORMAT="json",
            METRICS_TOKEN="oidc-metrics", HTTP_PROXY=self.proxy.url, **extra)
        subprocess.run([str(BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        port = free_port()
        self.server = start_server(env, port)
        self.url = f"http://127.0.0.1:{port}"

    def open_logins(self, email: str) -> int:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(
                "SELECT count(*) FROM login_sessions JOIN users ON users.id = user_id "
                "WHERE users.email = ? AND ended_at IS NULL", (email,)).fetchone()[0]

    def account(self, email: str):
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(
                "SELECT name, is_admin, organization_id, oidc_subject, password_hash "
                "FROM users WHERE email = ?", (email,)).fetchone()

    def log_lines(self) -> list[dict]:
        import json

        with open(self.server.log_path, encoding="utf-8") as log:
            return [json.loads(line) for line in log if line.startswith("{")]

    def stop(self):
        self.server.terminate()
        self.server.wait(5)
        self.proxy.stop()
        self.provider.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("oidc"))
    yield w
    w.stop()


@pytest.fixture
def tab(browser):
    """A fresh browser; the provider's page asks for a stylesheet on the internet: refused."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")
    context.route("https://**", lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


def person(sub, email, *, groups=(GROUP,), verified=True, name="Anna Andersson", **more):
    return sub, {"email": email, "email_verified": verified, "name": name,
                 "groups": list(groups), **more}


def sign_in(page, world, sub, *, path="/logga-in"):
    """From a page of the app to the provider, pick the person, and back."""
    page.goto(f"{world.url}{path}")
    page.get_by_role("link", name="Logga in med IVO").click()
    page.wait_for_url(f"{world.provider.url}/oauth2/authorize*")
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def assert_refused(page, world, email, text):
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggningen gick inte igenom"
    assert text in page.get_by_role("alert").inner_text()
    assert world.open_logins(email) == 0
    page.goto(f"{world.url}/dialoger/")
    assert "/logga-in" in page.url  # not signed in


def test_sign_in_reaches_the_dialogue_list_and_logout_ends_both_sessions(world, tab):
    world.provider.set_user(*person("anna", "anna.andersson@ivo.se"))
    tab.goto(f"{world.url}/dialoger/")
    assert "/logga-in" in tab.url
    # The provider's button comes first, before the password form.
    first = tab.locator("main a.button, main button").first
    assert first.inner_text() == "Logga in med IVO"
    assert_accessible(tab)
    tab.get_by_role("link", name="Logga in med IVO").click()
    tab.wait_for_url(f"{world.provider.url}/oauth2/authorize*")
    query = parse_qs(urlsplit(tab.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    tab.locator("input[name=sub]").fill("anna")
    tab.get_by_role("button", name="Authorize").click()
    tab.wait_for_url(f"{world.url}/dialoger/")
    assert tab.get_by_role("heading", level=1).is_visible()
    assert world.open_logins("anna.andersson@ivo.se") == 1
    name, is_admin, org, subject, password_hash = world.account("anna.andersson@ivo.se")
    assert (name, is_admin, org, subject, password_hash) == ("Anna Andersson", 0, None,
                                                            "anna", None)

    tab.get_by_role("button", name="Logga ut").click()
    tab.wait_for_url(f"{world.provider.url}/oauth2/end_session*")  # the provider's logout
    logout = parse_qs(urlsplit(tab.url).query)
    assert logout["client_id"] == ["aterforing"]
    assert logout["post_logout_redirect_uri"] == [f"{world.url}/logga-in"]
    assert logout["id_token_hint"][0].count(".") == 2  # the ID token it signed in with
    assert world.open_logins("anna.andersson@ivo.se") == 0
    tab.get_by_role("button", name="End session").click()
    tab.wait_for_url(f"{world.url}/logga-in*")
    assert "Du är utloggad." in tab.content()


def test_pkce_the_provider_is_sent_an_s256_challenge_and_a_code_needs_its_verifier(world, tab):
    """The provider requires PKCE; a code caught on its way back is useless without the
    verifier that only the app's session holds."""
    world.provider.set_user(*person("pia", "pia@ivo.se", name="Pia"))
    held = {}

    def hold(route):
        """Let the provider issue its code, but keep the browser from bringing it back."""
        if route.request.method != "POST":
            return route.continue_()
        held["authorize"] = route.request.url
        held["back"] = route.fetch(max_redirects=0).headers["location"]
        route.fulfill(status=200, content_type="text/plain", body="stannad")

    tab.route(f"{world.provider.url}/oauth2/authorize*", hold)
    sign_in(tab, world, "pia")
    asked = parse_qs(urlsplit(held["authorize"]).query)
    assert asked["code_challenge_method"] == ["S256"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", asked["code_challenge"][0])  # SHA-256, base64url
    code = parse_qs(urlsplit(held["back"]).query)["code"][0]

    token_url = f"{world.provider.url}/oauth2/token"
    exchange = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": asked["redirect_uri"][0]}
    client = ("aterforing", "klienthemlighet")
    without = requests.post(token_url, data=exchange, auth=client, timeout=5)
    assert without.status_code == 400 and without.json()["error"] == "invalid_request"
    assert "code_verifier" in without.json()["error_description"]
    wrong = requests.post(token_url, data={**exchange, "code_verifier": secrets.token_urlsafe(48)},
                          auth=client, timeout=5)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    # The provider refuses an authorization request without PKCE, so the sign-ins that pass
    # in these tests had their challenge checked against the app's verifier.
    plain = {k: v[0] for k, v in asked.items() if not k.startswith("code_challenge")}
    refused = requests.get(f"{world.provider.url}/oauth2/authorize", params=plain, timeout=5,
                           allow_redirects=False)
    assert "error=invalid_request" in refused.headers["location"]
    assert world.open_logins("pia@ivo.se") == 0

    # The same code brought back by the browser: the app's own verifier redeems it.
    tab.unroute(f"{world.provider.url}/oauth2/authorize*")
    tab.goto(held["back"])
    tab.wait_for_url(f"{world.url}/")
    assert tab.get_by_role("heading", level=1).inner_text() == "Välkommen, Pia"
    assert world.open_logins("pia@ivo.se") == 1


def test_an_admin_and_a_board_by_claim(world, tab, browser):
    world.provider.set_user(*person("sara", "sara@ivo.se", groups=(ADMINS,), name="Sara"))
    sign_in(tab, world, "sara")
    assert tab.get_by_role("heading", level=1).inner_text() == "Välkommen, Sara"
    assert world.account("sara@ivo.se")[1] == 1  # admin by group
    # The admin adds a board; a board's staff member then signs in, mapped by a claim.
    tab.goto(f"{world.url}/organisationer/ny")
    tab.get_by_label("Fullständigt namn").fill("Socialnämnden i Gnesta kommun")
    tab.get_by_label("Kortnamn").fill("Gnesta")
    tab.get_by_role("button", name="Lägg till", exact=True).click()
    tab.wait_for_load_state()
    world.provider.set_user(*person("ulla", "ulla@gnesta.se", groups=(BOARDS,), name="Ulla",
                                    organization="Gnesta"))
    other = browser.new_context(locale="sv-SE")
    other.route("https://**", lambda route: route.abort())
    try:
        page = other.new_page()
        sign_in(page, world, "ulla")
        assert page.url == f"{world.url}/namnd", page.url  # the board's own follow-up
        gnesta = world.account("ulla@gnesta.se")[2]
        assert gnesta is not None  # mapped to the board
    finally:
        other.close()

    # No claim names Olle's board: the admin maps his account to it, and his first
    # sign-in links the account and keeps the board.
    world.provider.set_user(*person("olle", "olle@gnesta.se", groups=(BOARDS,), name="Olle"))
    tab.goto(f"{world.url}/konton")
    tab.get_by_label("Namn", exact=True).fill("Olle Olsson")
    tab.get_by_label("E-postadress").fill("olle@gnesta.se")
    tab.get_by_label("Nämnd (bara för en nämnds konto)").select_option(
        label="Socialnämnden i Gnesta kommun")
    tab.get_by_role("button", name="Skapa konto").click()
    tab.wait_for_load_state()
    assert world.account("olle@gnesta.se")[2] == gnesta
    other = browser.new_context(locale="sv-SE")
    other.route("https://**", lambda route: route.abort())
    try:
        page = other.new_page()
        sign_in(page, world, "olle")
        assert page.url == f"{world.url}/namnd", page.url
        name, is_admin, org, subject, _hash = world.account("olle@gnesta.se")
        assert (name, is_admin, org, subject) == ("Olle", 0, gnesta, "olle")
    finally:
        other.close()


def test_wrong_state_is_refused(world, tab):
    world.provider.set_user(*person("bo", "bo@ivo.se", name="Bo"))

    def tamper(route):
        """The provider's redirect back to the app, with another state than it was given."""
        if route.request.method != "POST":
            return route.continue_()
        answer = route.fetch(max_redirects=0)
        parts = urlsplit(answer.headers["location"])
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert query["state"] and query["code"]
        query["state"] = "forfalskad-state"
        route.fulfill(status=302, headers={"location": parts._replace(
            query=urlencode(query)).geturl()})

    tab.route(f"{world.provider.url}/oauth2/authorize*", tamper)
    sign_in(tab, world, "bo")
    assert_refused(tab, world, "bo@ivo.se", "Börja om från inloggningssidan")
    assert world.account("bo@ivo.se") is None


@pytest.mark.parametrize("forgery", ["signature", "unsigned", "issuer", "audience", "nonce"])
def test_a_forged_id_token_is_refused(world, tab, forgery):
    """A token altered after the provider signed it (here: to make its bearer an admin), the
    same unsigned ("alg": "none"), and tokens the provider signed for another issuer, another
    client or another sign-in (nonce)."""
    sub = f"forged-{forgery}"
    email = f"{sub}@ivo.se"
    more = {"issuer": {"iss": "https://inloggning.example.se"},
            # Issued to another service, naming Återföring only as the authorized party.
            "audience": {"aud": "en-annan-tjanst", "azp": "aterforing"},
            "nonce": {"nonce": "en-annan-inloggnings-nonce"}}.get(forgery, {})
    world.provider.set_user(*person(sub, email, name="Fredrik", **more))
    if forgery in ("signature", "unsigned"):
        world.proxy.alter = lambda claims: {**claims, "groups": [GROUP, ADMINS]}
        world.proxy.unsigned = forgery == "unsigned"
    calls = world.proxy.token_calls
    sign_in(tab, world, sub)
    assert world.proxy.token_calls == calls + 1 and world.proxy.alter is None
    assert_refused(tab, world, email, "intyg om vem du är kunde inte godtas")
    assert world.account(email) is None
    refusal = [e for e in world.log_lines() if e["event"] == "account.sign_in"][-1]
    assert refusal["outcome"] == {
        "signature": "id_token_BadSignatureError",
        "unsigned": "id_token_UnsupportedAlgorithmError",
    }.get(forgery, "id_token_InvalidClaimError"), refusal


def test_a_replayed_code_is_refused(world, tab, browser):
    world.provider.set_user(*person("cilla", "cilla@ivo.se", name="Cilla"))
    callbacks = []
    tab.on("request", lambda r: callbacks.append(r.url) if "/logga-in/idp/svar" in r.url
           else None)
    sign_in(tab, world, "cilla")
    assert world.open_logins("cilla@ivo.se") == 1
    code = parse_qs(urlsplit(callbacks[0]).query)["code"][0]

    other = browser.new_context(locale="sv-SE")
    other.route("https://**", lambda route: route.abort())
    try:
        page = other.new_page()
        page.goto(f"{world.url}/logga-in")
        page.get_by_role("link", name="Logga in med IVO").click()
        page.wait_for_url(f"{world.provider.url}/oauth2/authorize*")
        state = parse_qs(urlsplit(page.url).query)["state"][0]
        # The used code, with this browser's own valid state: the provider refuses it.
        page.goto(f"{world.url}/logga-in/idp/svar?{urlencode({'code': code, 'state': state})}")
        assert page.get_by_role("heading", level=1).inner_text() == \
            "Inloggningen gick inte igenom"
        assert "koden kan redan ha använts" in page.get_by_role("alert").inner_text()
        assert world.open_logins("cilla@ivo.se") == 1  # only the first browser's
        page.goto(f"{world.url}/dialoger/")
        assert "/logga-in" in page.url
    finally:
        other.close()


def test_a_person_outside_the_group_is_refused(world, tab):
    world.provider.set_user(*person("dan", "dan@ivo.se", groups=("ekonomi",), name="Dan"))
    sign_in(tab, world, "dan")
    assert_refused(tab, world, "dan@ivo.se", "Du har inte behörighet till Återföring")
    assert world.account("dan@ivo.se") is None
    assert_accessible(tab)
    # The operator's log says a sign-in was refused and why, never who by name or address.
    lines = world.log_lines()
    assert any(e["event"] == "account.sign_in" and e["outcome"] == "not_in_group"
               and e["method"] == "oidc" for e in lines)
    assert not any("dan@ivo.se" in str(e) for e in lines)
    import urllib.request

    scrape = urllib.request.Request(f"{world.url}/metrics",
                                    headers={"Authorization": "Bearer oidc-metrics"})
    with urllib.request.urlopen(scrape, timeout=5) as answer:
        figures = answer.read().decode()
    assert re.search(r'aterforing_sign_ins_total\{method="oidc",outcome="not_in_group"\} '
                     r'[1-9]', figures)


def test_removed_from_the_group_is_refused_and_their_sessions_end(world, tab, browser):
    import threading

    import socketio as socketio_client

    world.provider.set_user(*person("eva", "eva@ivo.se", name="Eva"))
    sign_in(tab, world, "eva")
    assert world.open_logins("eva@ivo.se") == 1
    # A socket of the first browser's login, as an open page holds one.
    ended = threading.Event()
    listener = socketio_client.Client(reconnection=False)
    listener.on("session_ended", lambda *_args: ended.set())
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in tab.context.cookies(world.url))
    listener.connect(world.url, headers={"Cookie": cookies}, auth={},
                     transports=["websocket"], wait_timeout=10)

    world.provider.set_user(*person("eva", "eva@ivo.se", groups=(), name="Eva"))
    other = browser.new_context(locale="sv-SE")
    other.route("https://**", lambda route: route.abort())
    try:
        page = other.new_page()
        sign_in(page, world, "eva")
        assert_refused(page, world, "eva@ivo.se", "Du har inte behörighet till Återföring")
    finally:
        other.close()
    tab.goto(f"{world.url}/dialoger/")  # the first browser's login has ended too
    assert "/logga-in" in tab.url
    assert ended.wait(5), "the ended login's socket was not told"
    listener.disconnect()


def test_a_changed_email_claim_is_refused(world, tab):
    world.provider.set_user(*person("fia", "fia@ivo.se", name="Fia"))
    sign_in(tab, world, "fia")
    tab.get_by_role("button", name="Logga ut").click()
    tab.get_by_role("button", name="End session").click()
    tab.wait_for_url(f"{world.url}/logga-in*")

    world.provider.set_user(*person("fia", "fia.ny@ivo.se", name="Fia"))
    sign_in(tab, world, "fia")
    assert_refused(tab, world, "fia@ivo.se", "Din e-postadress hos inloggningstjänsten har ändrats")
    assert world.account("fia.ny@ivo.se") is None


def test_an_unverified_email_is_never_linked_to_an_account(world, tab):
    world.provider.set_user(*person("gun", "gun@ivo.se", verified=False, name="Gun"))
    sign_in(tab, world, "gun")
    assert_refused(tab, world, "gun@ivo.se", "har inte bekräftat din e-postadress")


@pytest.fixture(scope="module")
def expired_world(tmp_path_factory):
    """A provider whose ID tokens expired ten minutes before they were issued; no passwords."""
    w = World(tmp_path_factory.mktemp("oidc-expired"), token_max_age=-600, PASSWORD_LOGIN="0")
    yield w
    w.stop()


def test_an_expired_id_token_is_refused_and_password_login_is_off(expired_world, tab):
    w = expired_world
    w.provider.set_user(*person("hans", "hans@ivo.se", name="Hans"))
    tab.goto(f"{w.url}/logga-in")
    assert tab.get_by_label("Lösenord").count() == 0  # PASSWORD_LOGIN=0: no password form
    token = tab.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = tab.request.post(f"{w.url}/logga-in", form={
        "csrf_token": token, "email": "hans@ivo.se", "password": "x" * 20})
    assert answer.status == 403
    assert "Inloggning med lösenord är avstängd" in answer.text()
    sign_in(tab, w, "hans")
    assert_refused(tab, w, "hans@ivo.se", "hade gått ut")
    assert w.account("hans@ivo.se") is None
