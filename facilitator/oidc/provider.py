"""The app's OpenID Connect client (Authlib's), registered from the configuration."""

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app


def register(app: Flask) -> None:
    """Register the provider's client when `OIDC_ISSUER` is set."""
    if not app.config.get("OIDC_ISSUER"):
        return
    issuer = app.config["OIDC_ISSUER"].rstrip("/")
    # One registry per app (tests build many apps); the client fetches the discovery
    # document on first use and checks the ID token against its issuer and keys.
    oauth = OAuth(app)
    oauth.register(
        "provider",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["OIDC_SCOPES"], "code_challenge_method": "S256",
                       "timeout": 10},
    )
    app.extensions["aterforing_oidc"] = oauth.provider


def client():
    """The app's OpenID Connect client, or None when no provider is configured."""
    return current_app.extensions.get("aterforing_oidc")


def enabled() -> bool:
    return client() is not None
