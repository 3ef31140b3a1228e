"""Behind nginx, each phone keeps its own rate limit; without a proxy setting, forged headers
change nothing."""

from facilitator import create_app
from facilitator.extensions import db, limiter


def _wrong_codes(client, forwarded_for):
    return [client.post("/delta", data={"code": "ZZZZZZ"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code
            for _ in range(3)]


def _app(**overrides):
    app = create_app("testing", {"JOIN_CODE_RATE_LIMIT": "2 per minute", **overrides})
    with app.app_context():
        db.create_all()
        limiter.reset()
    return app


def test_behind_a_trusted_proxy_each_address_has_its_own_limit():
    app = _app(TRUSTED_PROXIES=1)
    client = app.test_client()
    assert _wrong_codes(client, "10.0.0.1")[-1] == 429
    assert _wrong_codes(client, "10.0.0.2")[0] != 429


def test_without_a_proxy_setting_a_forged_header_does_not_escape_the_limit():
    app = _app()
    client = app.test_client()
    assert _wrong_codes(client, "10.0.0.1")[-1] == 429
    assert _wrong_codes(client, "10.0.0.2")[0] == 429
