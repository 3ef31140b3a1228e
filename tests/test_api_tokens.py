"""API tokens: created on the page, shown once, stored hashed, revocable."""

import hashlib
import re
from datetime import timedelta

from helpers_api import bearer, token_for
from sqlalchemy import select

from facilitator.api import services
from facilitator.api.models import ApiToken
from facilitator.extensions import db

TOKEN_RE = re.compile(r"atf_[A-Za-z0-9_-]{43}")


def test_page_needs_login(client):
    response = client.get("/api-nycklar")
    assert response.status_code == 302
    assert "/logga-in" in response.headers["Location"]


def test_create_list_and_revoke_through_the_page(client, auth, make_user):
    make_user()
    auth.login()
    page = client.get("/api-nycklar")
    assert page.status_code == 200
    assert 'href="/api-nycklar"' in page.text  # the nav shows the page

    created = client.post("/api-nycklar", data={"name": "Rapportskript"})
    assert created.status_code == 200
    raw = TOKEN_RE.search(created.text).group(0)
    assert "visas bara den här gången" in created.text

    token = db.session.scalar(select(ApiToken))
    assert token.name == "Rapportskript"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in (token.token_hash, token.prefix) and raw.startswith(token.prefix)

    assert client.get("/api/v1/dialogues", headers=bearer(raw)).status_code == 200

    listed = client.get("/api-nycklar")
    assert raw not in listed.text  # shown once only
    assert "Rapportskript" in listed.text and token.prefix in listed.text
    assert "data-confirm" in listed.text

    revoked = client.post(f"/api-nycklar/{token.id}/aterkalla", follow_redirects=True)
    assert revoked.status_code == 200
    assert "Nyckeln Rapportskript är återkallad." in revoked.text
    assert token.revoked_at is not None

    response = client.get("/api/v1/dialogues", headers=bearer(raw))
    assert response.status_code == 401
    assert response.json["error"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_needs_a_name(client, auth, make_user):
    make_user()
    auth.login()
    response = client.post("/api-nycklar", data={"name": "  "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert db.session.scalar(select(ApiToken)) is None


def test_missing_or_unknown_tokens_get_401_json(client, make_user):
    user = make_user()
    token_for(user)
    for headers in ({}, bearer("atf_not-a-real-token"), {"Authorization": "Basic YTpi"},
                    {"Authorization": "Bearer "}):
        response = client.get("/api/v1/organizations", headers=headers)
        assert response.status_code == 401, headers
        assert response.is_json and response.json["error"] == "not_authenticated"
        assert response.json["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_cookie_session_does_not_open_the_api(client, auth, make_user):
    make_user()
    auth.login()
    assert client.get("/api/v1/organizations").status_code == 401


def test_inactive_users_token_stops_working(client, make_user):
    from facilitator.accounts import services as accounts

    admin = make_user("admin@ivo.se", "Admin", is_admin=True)
    user = make_user()
    raw = token_for(user)
    assert services.user_for_token(raw) == user
    accounts.set_active(admin, user.id, False)
    assert services.user_for_token(raw) is None
    assert client.get("/api/v1/organizations", headers=bearer(raw)).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(make_user):
    user = make_user()
    raw = token_for(user)
    token = db.session.scalar(select(ApiToken))
    assert token.last_used_at is None
    services.user_for_token(raw)
    first = token.last_used_at
    assert first is not None
    services.user_for_token(raw)
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    services.user_for_token(raw)
    assert token.last_used_at > first - timedelta(minutes=2)


def test_only_own_tokens_are_listed_and_revocable_but_admins_may_revoke_any(client, auth,
                                                                             make_user):
    anna = make_user()
    bo = make_user("bo@ivo.se", "Bo Berg")
    admin = make_user("admin@ivo.se", "Admin", is_admin=True)
    token_for(anna, "Annas nyckel")
    raw_bo = token_for(bo, "Bos nyckel")
    bos = db.session.scalar(select(ApiToken).where(ApiToken.user_id == bo.id))

    assert [t.name for t in services.list_tokens(anna)] == ["Annas nyckel"]
    auth.login()
    assert "Bos nyckel" not in client.get("/api-nycklar").text
    assert client.post(f"/api-nycklar/{bos.id}/aterkalla").status_code == 403
    assert client.post("/api-nycklar/99999/aterkalla").status_code == 404
    assert bos.revoked_at is None

    services.revoke_token(admin, bos.id)
    assert bos.revoked_at is not None
    assert services.user_for_token(raw_bo) is None
