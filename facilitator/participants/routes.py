"""Joining: the code form, the join link (QR code) and the profile step."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..core import uow
from ..core.payloads import apply_errors
from ..dialogues.models import DialogueStatus
from ..errors import DomainError, ValidationFailed
from ..extensions import limiter
from . import services
from .forms import CodeForm, ProfileForm

bp = Blueprint("participants", __name__)


def _join_limit() -> str:
    return current_app.config.get("JOIN_CODE_RATE_LIMIT", "10 per minute")


# Every address gets a few wrong codes a minute across all join pages; right codes are free.
join_limit = limiter.shared_limit(
    _join_limit, scope="join-code", deduct_when=lambda response: response.status_code == 404
)


def _dialogue_home(dialogue) -> str:
    """Where a participant goes: the live view while the meeting runs (the pre-read is one tap
    from it), the pre-read before."""
    if dialogue.status == DialogueStatus.LIVE:
        return url_for("live.phone", code=dialogue.join_code)
    return url_for("contributions.preread", code=dialogue.join_code)


def _code_page(form: CodeForm, status: int = 200):
    return render_template("participants/enter_code.html", form=form), status


def _refused(code: str, error: DomainError):
    """A code that cannot be joined: the code form again, with the reason next to it."""
    form = CodeForm(formdata=None, data={"code": code})
    form.code.errors = [error.message]
    return _code_page(form, error.status)


@bp.route("/delta", methods=["GET", "POST"])
@join_limit
def enter_code():
    form = CodeForm()
    if request.method == "GET":
        return _code_page(form)
    if not form.validate_on_submit():
        return _code_page(form, 400)
    try:
        dialogue = services.joinable_dialogue(form.code.data)
    except DomainError as error:
        form.code.errors = [error.message]
        return _code_page(form, error.status)
    return redirect(url_for("participants.join_link", code=dialogue.join_code))


@bp.get("/m/<code>")
@join_limit
def join_link(code: str):
    try:
        dialogue, participant = services.join_visit(code, request.cookies)
    except DomainError as error:
        return _refused(code, error)
    if participant is not None:
        uow.commit()  # the visit's "last seen"
        return redirect(_dialogue_home(dialogue))
    return _fresh_page(dialogue)


#: Stands in for the form's CSRF field in a cached body (each page gets its own token).
_CSRF_SLOT = "\x00csrf\x00"
#: Rendered profile bodies for new phones: (dialogue as read now, language, script root) ->
#: HTML. The key is the dialogue's content itself, so an edit can never serve an old body.
_fresh_bodies: dict = {}


def _fresh_body(dialogue, form) -> str:
    key = (dialogue, str(get_locale()), request.script_root)
    body = _fresh_bodies.get(key)
    if body is None:
        body = render_template(
            "participants/_profile_body.html", dialogue=dialogue, participant=None, form=form,
            can_change=True, current_name=None, message=None, hidden=Markup(_CSRF_SLOT))
        if len(_fresh_bodies) > 256:
            _fresh_bodies.clear()
        _fresh_bodies[key] = body
    return body


def _fresh_page(dialogue):
    """A new phone's profile page: the same for everyone but the CSRF token, so its body is
    rendered once per dialogue and language and reused."""
    form = ProfileForm(formdata=None, data=services.fresh_profile_values(dialogue),
                       **services.profile_form_kwargs(dialogue))
    body = _fresh_body(dialogue, form).replace(_CSRF_SLOT, str(form.hidden_tag()))
    return render_template("participants/profile.html", dialogue=dialogue, participant=None,
                           body=Markup(body))


def _profile_page(dialogue, participant, form, status: int = 200, message: str | None = None):
    return render_template(
        "participants/profile.html", dialogue=dialogue, participant=participant, form=form,
        can_change=participant is None or services.can_change_profile(participant),
        current_name=services.display_name(participant) if participant else None,
        message=message,
    ), status


@bp.route("/m/<code>/profil", methods=["GET", "POST"])
@join_limit
def profile(code: str):
    try:
        dialogue, participant = services.join_visit(code, request.cookies)
    except DomainError as error:
        return _refused(code, error)
    if request.method == "GET":
        if participant is None:
            return _fresh_page(dialogue)
        form = ProfileForm(formdata=None, data=services.profile_values(participant),
                           **services.profile_form_kwargs(dialogue))
        uow.commit(expire=False)  # the visit's "last seen"
        return _profile_page(dialogue, participant, form)
    cookie, home = services.cookie_name(dialogue), _dialogue_home(dialogue)
    token = request.cookies.get(cookie)
    try:
        joined_id, token, new = services.enter(dialogue, request.form, existing_token=token)
        uow.commit()
    except (ValidationFailed, DomainError) as error:
        form = ProfileForm(**services.profile_form_kwargs(dialogue))
        if isinstance(error, ValidationFailed):
            apply_errors(form, error)
            return _profile_page(dialogue, participant, form, 400)
        return _profile_page(dialogue, participant, form, error.status, message=error.message)
    name = services.display_name_of(joined_id)
    if new:
        flash(_("Välkommen! Du deltar som %(name)s.", name=name), "success")
    else:
        flash(_("Dina uppgifter är sparade. Du visas som %(name)s.", name=name), "success")
    response = redirect(home)
    response.set_cookie(
        cookie, token, max_age=services.COOKIE_MAX_AGE, path="/",
        httponly=True, samesite="Lax", secure=request.is_secure,
    )
    return response
