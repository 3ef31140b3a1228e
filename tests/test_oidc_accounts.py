"""Who the provider's claims let in, and as what: checked at every sign-in."""

import factories as make
import pytest
from conftest import PASSWORD
from sqlalchemy import select

from facilitator import create_app
from facilitator.accounts import services as accounts
from facilitator.accounts.models import LoginSession, User
from facilitator.core import uow
from facilitator.extensions import db, limiter
from facilitator.oidc.services import SignInRefused, sign_in
from facilitator.organizations.models import OrganizationKind

ISSUER = "https://idp.example.se"
SETTINGS = {
    "OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "aterforing", "OIDC_CLIENT_SECRET": "s",
    "OIDC_ALLOWED_GROUP": "samordnare", "OIDC_ADMIN_GROUP": "admin",
    "OIDC_BOARD_GROUP": "namnd", "OIDC_BOARD_CLAIM": "organization",
}


@pytest.fixture
def oidc_app(request):
    overrides = {**SETTINGS, **getattr(request, "param", {})}
    app = create_app("testing", overrides)
    with app.app_context():
        db.create_all()
        limiter.reset()
        yield app
        db.session.remove()
        db.drop_all()


def claims(sub="s1", email="anna@ivo.se", groups=("samordnare",), verified=True, **more):
    return {"sub": sub, "email": email, "email_verified": verified, "name": "Anna Andersson",
            "groups": list(groups), **more}


def refusal(reason, **kwargs):
    with pytest.raises(SignInRefused) as caught:
        sign_in(ISSUER, claims(**kwargs))
    assert caught.value.reason == reason
    return caught.value


def test_first_sign_in_creates_a_facilitator_without_a_password(oidc_app):
    user = sign_in(ISSUER, claims())
    assert (user.email, user.name, user.is_admin, user.organization_id) == (
        "anna@ivo.se", "Anna Andersson", False, None)
    assert user.password_hash is None and user.oidc_subject == "s1"
    with pytest.raises(Exception, match="Fel e-postadress"):
        accounts.authenticate("anna@ivo.se", "")  # no password to guess
    assert sign_in(ISSUER, claims()).id == user.id  # the next sign-in finds the same account


def test_links_an_existing_account_by_verified_email_only(oidc_app):
    existing = accounts.create_user("anna@ivo.se", "Anna", PASSWORD)
    refusal("email_unverified", verified=False)
    refusal("email_unverified", verified="false")
    assert db.session.get(User, existing.id).oidc_subject is None
    assert sign_in(ISSUER, claims(email="ANNA@ivo.se")).id == existing.id
    # A second identity claiming the same address is not let into the account.
    refusal("email_taken", sub="s2")


def test_a_changed_email_claim_is_refused(oidc_app):
    sign_in(ISSUER, claims())
    refusal("email_changed", email="anna.ny@ivo.se")
    assert db.session.scalar(select(User).where(User.email == "anna.ny@ivo.se")) is None


def test_admin_follows_the_admin_group_at_every_sign_in(oidc_app):
    assert sign_in(ISSUER, claims(groups=("admin",))).is_admin
    assert not sign_in(ISSUER, claims(groups=("samordnare",))).is_admin


def test_removed_from_the_group_ends_every_login_session(oidc_app):
    user = sign_in(ISSUER, claims())
    with oidc_app.test_request_context():
        accounts.log_in(user)
        accounts.log_in(user)
    refused = refusal("not_in_group", groups=("ekonomi",))
    assert len(refused.ended) == 2
    db.session.commit()
    open_logins = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id,
                                   LoginSession.ended_at.is_(None))).all()
    assert open_logins == []


def test_a_deactivated_account_stays_out(oidc_app):
    user = sign_in(ISSUER, claims())
    admin = make.user("ada@ivo.se", "Ada Admin", PASSWORD, is_admin=True)
    accounts.set_active(admin, user.id, False)  # an admin deactivates the account
    uow.commit()  # the accounts page commits
    refusal("inactive")


def _board(name="Socialnämnden i Gnesta kommun", short="Gnesta"):
    """A board made by a facilitator through the service."""
    facilitator = make.user("sara@ivo.se", "Sara Samordnare", PASSWORD)
    org = make.board(facilitator, name, short, kind=OrganizationKind.NAMND.value)
    uow.commit()  # the factory's one commit
    return org


def test_a_board_account_by_claim_and_by_an_admin_mapping(oidc_app):
    gnesta = _board()
    user = sign_in(ISSUER, claims(sub="b1", email="ulla@gnesta.se", groups=("namnd",),
                                  organization="gnesta"))
    assert user.organization_id == gnesta.id and not user.is_admin
    # No claim matches a board and no admin mapped the account: refused.
    refusal("not_in_group", sub="b2", email="okand@exempel.se", groups=("namnd",),
            organization="Okänd kommun")
    # An admin created the account for a board: the first sign-in links it and keeps the board.
    mapped = accounts.create_user("per@gnesta.se", "Per", PASSWORD, organization_id=gnesta.id)
    user = sign_in(ISSUER, claims(sub="b3", email="per@gnesta.se", groups=("namnd",)))
    assert user.id == mapped.id and user.organization_id == gnesta.id


@pytest.mark.parametrize("oidc_app", [{"OIDC_ALLOWED_GROUP": None, "OIDC_ADMIN_GROUP": None}],
                         indirect=True)
def test_without_an_allowed_group_nobody_new_gets_in(oidc_app):
    refusal("not_in_group")
    # An account an admin created is let in (and linked) by its verified e-mail.
    made = accounts.create_user("bo@ivo.se", "Bo", None)
    assert sign_in(ISSUER, claims(sub="bo", email="bo@ivo.se", groups=())).id == made.id


@pytest.mark.parametrize("oidc_app", [{"OIDC_EMAIL_VERIFIED_CLAIM": "-"}], indirect=True)
def test_a_provider_whose_addresses_are_all_its_own(oidc_app):
    existing = accounts.create_user("anna@ivo.se", "Anna", PASSWORD)
    assert sign_in(ISSUER, claims(verified=None)).id == existing.id


def test_the_login_page_offers_the_provider_first(oidc_app):
    page = oidc_app.test_client().get("/logga-in").get_data(as_text=True)
    assert page.index("Logga in med IVO") < page.index('name="password"')
    assert "form-action 'self' https://idp.example.se" in oidc_app.test_client().get(
        "/logga-in").headers["Content-Security-Policy"]


@pytest.mark.parametrize("oidc_app", [{"PASSWORD_LOGIN": False}], indirect=True)
def test_password_login_switched_off(oidc_app):
    accounts.create_user("anna@ivo.se", "Anna", PASSWORD)
    client = oidc_app.test_client()
    page = client.get("/logga-in").get_data(as_text=True)
    assert "Logga in med IVO" in page and 'name="password"' not in page
    answer = client.post("/logga-in", data={"email": "anna@ivo.se", "password": PASSWORD})
    assert answer.status_code == 403
    assert "Inloggning med lösenord är avstängd" in answer.get_data(as_text=True)
    assert db.session.scalar(select(LoginSession)) is None


def test_without_a_provider_the_routes_are_not_there(app, client):
    assert client.get("/logga-in/idp").status_code == 404
    assert "Logga in med" not in client.get("/logga-in").get_data(as_text=True)


@pytest.mark.parametrize("oidc_app", [{"PASSWORD_LOGIN": False}], indirect=True)
def test_without_passwords_an_admin_creates_an_account_that_the_first_sign_in_links(oidc_app):
    admin = accounts.create_user("sara@ivo.se", "Sara", None, is_admin=True)
    client = oidc_app.test_client()
    with oidc_app.test_request_context():
        accounts.log_in(admin)
        token = admin.login_token
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = token, True
    page = client.get("/konton").get_data(as_text=True)
    assert 'name="password"' not in page and "Personen loggar in med IVO" in page
    answer = client.post("/konton", data={"name": "Bo Berg", "email": "bo@ivo.se"})
    assert answer.status_code == 200 and "Lösenordet visas bara nu" not in answer.get_data(
        as_text=True)
    bo = db.session.scalar(select(User).where(User.email == "bo@ivo.se"))
    assert bo.password_hash is None
    assert sign_in(ISSUER, claims(sub="bo", email="bo@ivo.se", name="Bo Berg")).id == bo.id


def test_the_command_line_creates_an_account_without_a_password(oidc_app):
    done = oidc_app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "ada@ivo.se", "--name", "Ada", "--admin", "--no-password"])
    assert done.exit_code == 0, done.output
    ada = db.session.scalar(select(User).where(User.email == "ada@ivo.se"))
    assert ada.password_hash is None and ada.is_admin
