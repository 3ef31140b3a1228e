"""Security headers on every response."""

from urllib.parse import urlsplit

from flask import Flask, current_app, request


def _provider_origin() -> str:
    """The identity provider's origin: logout's form answers with a redirect to it."""
    issuer = current_app.config.get("OIDC_ISSUER")
    if not issuer:
        return ""
    parts = urlsplit(issuer)
    return f" {parts.scheme}://{parts.netloc}"


def content_security_policy() -> str:
    """The CSP for this request; connect-src names the socket origin explicitly."""
    ws_scheme = "wss" if request.scheme == "https" else "ws"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {ws_scheme}://{request.host}",
            f"form-action 'self'{_provider_origin()}",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ]
    )


def is_local_path(target: str | None) -> bool:
    """True for a path on this site ("/x?y"), false for anything a browser could take elsewhere.

    Browsers read a backslash as a slash and drop tabs and newlines, so a backslash or a
    control character could turn "/..." into "//evil.example" just as well.
    """
    if not target or not target.startswith("/") or "\\" in target:
        return False
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return False
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc) and not target.startswith("//")


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers["Content-Security-Policy"] = content_security_policy()
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
