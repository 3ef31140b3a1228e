"""Security headers on every response."""

from flask import Flask, request


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
            "form-action 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ]
    )


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers["Content-Security-Policy"] = content_security_policy()
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
