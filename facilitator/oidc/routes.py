"""`/logga-in/idp`: to the identity provider and back."""

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from joserfc.errors import JoseError

from ..accounts import services as accounts
from ..core import uow
from ..core.logs import signed_in
from ..core.security import is_local_path
from ..errors import NotFound
from . import services
from .provider import client

bp = Blueprint("oidc", __name__)


def _refused(message: str, status: int = 403, reason: str | None = None):
    """A clear page that says why, with a way back; no login session is created."""
    if reason:
        signed_in("oidc", reason)
    return render_template("accounts/signin_refused.html", message=message), status


def _id_token_checks(provider) -> dict:
    """The ID token must name the provider as its issuer and this app among its audience.

    Authlib checks `aud` only when told to: without this, a token the provider issued to
    another service, naming this app only as `azp`, would be let in.
    """
    return {
        "iss": {"essential": True, "values": [provider.load_server_metadata().get("issuer")]},
        "aud": {"essential": True, "values": [current_app.config["OIDC_CLIENT_ID"]]},
    }


@bp.get("/logga-in/idp")
def start():
    provider = client()
    if provider is None:
        raise NotFound(_("Inloggning via organisationens inloggningstjänst är inte påslagen."))
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    target = request.args.get("next")
    session["oidc_next"] = target if is_local_path(target) else None
    try:
        # Authlib stores state, nonce and the PKCE verifier in the session for the callback.
        return provider.authorize_redirect(url_for("oidc.callback", _external=True))
    except (requests.RequestException, AuthlibBaseError, ValueError):
        return _refused(_("Inloggningstjänsten svarar inte just nu. Försök igen om en stund."),
                        503, "unreachable")


@bp.get("/logga-in/idp/svar")
def callback():
    provider = client()
    if provider is None:
        raise NotFound(_("Inloggning via organisationens inloggningstjänst är inte påslagen."))
    try:
        token = provider.authorize_access_token(
            leeway=current_app.config["OIDC_CLOCK_SKEW_SECONDS"],
            claims_options=_id_token_checks(provider))
    except MismatchingStateError:
        return _refused(_("Inloggningen kunde inte kopplas till den här webbläsaren, eller så "
                          "har den redan använts. Börja om från inloggningssidan."), 400, "state")
    except OAuthError as error:
        if error.error == "access_denied":
            return _refused(_("Inloggningen avbröts hos inloggningstjänsten."), 400,
                            "access_denied")
        return _refused(_("Inloggningstjänsten godtog inte inloggningen (koden kan redan ha "
                          "använts eller gått ut). Börja om från inloggningssidan."), 400,
                        f"provider_{error.error}"[:40])
    except (JoseError, AuthlibBaseError, ValueError) as error:
        return _refused(_("Inloggningstjänstens intyg om vem du är kunde inte godtas (det var "
                          "ogiltigt eller hade gått ut). Börja om från inloggningssidan."), 400,
                        f"id_token_{type(error).__name__}")
    except requests.RequestException:
        return _refused(_("Inloggningstjänsten svarar inte just nu. Försök igen om en stund."),
                        503, "unreachable")
    claims = token.get("userinfo")
    metadata = provider.load_server_metadata()
    issuer = current_app.config["OIDC_ISSUER"].rstrip("/")
    if not claims or metadata.get("issuer", "").rstrip("/") != issuer:
        return _refused(_("Inloggningstjänstens intyg om vem du är kunde inte godtas (det var "
                          "ogiltigt eller hade gått ut). Börja om från inloggningssidan."), 400,
                        "id_token_missing_or_issuer")
    try:
        user = services.sign_in(issuer, dict(claims))
    except services.SignInRefused as refusal:
        accounts.drop_login_sockets(refusal.ended)
        uow.commit()  # the one commit: logins it ended stay ended
        return _refused(refusal.message, reason=refusal.reason)
    target = session.pop("oidc_next", None)
    accounts.log_in(user)
    uow.commit()
    signed_in("oidc", "ok", user.id)
    end_session = metadata.get("end_session_endpoint")
    if end_session:
        # Read at logout, so that leaving Återföring also ends the provider's session.
        # The ID token as the logout's hint, unless it would swell the cookie (a token with
        # many groups): the provider then asks which account to sign out.
        hint = token.get("id_token")
        session["end_session_url"] = accounts.end_session_url(
            end_session, current_app.config["OIDC_CLIENT_ID"],
            url_for("accounts.login", _external=True),
            hint if hint and len(hint) <= 1500 else None)
    if user.organization_id:
        return redirect(url_for("followups.board_home"))
    return redirect(target or url_for("core.index"))
