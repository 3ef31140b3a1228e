"""Error pages in the visitor's language, never with a stack trace; JSON for the API."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import DomainError


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Felaktig begäran"), _("Något i begäran gick inte att tolka. Försök igen.")),
        401: (_("Inloggning krävs"), _("Logga in för att fortsätta.")),
        403: (_("Åtkomst nekad"), _("Du har inte behörighet till den här sidan.")),
        404: (
            _("Sidan finns inte"),
            _("Adressen kan vara felskriven, eller så har sidan tagits bort."),
        ),
        405: (_("Felaktig begäran"), _("Den här adressen tar inte emot den sortens begäran.")),
        409: (_("Konflikt"), _("Ändringen krockar med något som redan finns.")),
        410: (_("Inte längre giltig"), _("Länken har gått ut eller återkallats.")),
        413: (_("För stort"), _("Det du skickade är för stort.")),
        429: (
            _("För många försök"),
            _("Du har försökt för många gånger på kort tid. Vänta en stund och försök igen."),
        ),
        500: (_("Något gick fel"), _("Ett oväntat fel uppstod hos oss. Försök igen om en stund.")),
        503: (_("Tjänsten är inte tillgänglig"), _("Försök igen om en stund.")),
    }


_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "too_large",
          429: "rate_limited", 500: "server", 503: "unavailable"}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def render_error(status: int, message: str | None = None, code: str | None = None):
    """An error answer as a page, or as JSON for API clients."""
    title, default = _messages().get(status, _messages()[500])
    text = message or default
    if _wants_json():
        return jsonify(error=code or _CODES.get(status, str(status)), message=text), status
    return render_template("errors/error.html", status=status, title=title, message=text), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        message = _(
            "Formuläret hade gått ut eller saknade sin säkerhetskod. "
            "Ladda om sidan och försök igen."
        )
        return render_error(400, message, "csrf")

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        if _wants_json():
            return jsonify(error.as_dict()), error.status
        return render_error(error.status, error.message, error.code)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code == 429 and request.endpoint in (
            "participants.enter_code", "participants.join_link", "participants.profile"
        ):
            return render_error(
                429, _("För många försök med fel kod. Vänta en minut och försök igen.")
            )
        if error.code == 429 and request.endpoint == "accounts.login":
            return render_error(
                429, _("För många misslyckade inloggningsförsök. Vänta en minut och försök igen.")
            )
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        return render_error(500)
