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
from flask_babel import gettext as _

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
        dialogue, participant = services.visit(code, request.cookies)
    except DomainError as error:
        return _refused(code, error)
    if participant is not None:
        return redirect(_dialogue_home(dialogue))
    form = ProfileForm(formdata=None, data=services.fresh_profile_values(dialogue),
                       **services.profile_form_kwargs(dialogue))
    return _profile_page(dialogue, None, form)


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
        dialogue, participant = services.visit(code, request.cookies)
    except DomainError as error:
        return _refused(code, error)
    kwargs = services.profile_form_kwargs(dialogue)
    if request.method == "GET":
        data = services.profile_values(participant) if participant \
            else services.fresh_profile_values(dialogue)
        form = ProfileForm(formdata=None, data=data, **kwargs)
        return _profile_page(dialogue, participant, form)
    form = ProfileForm(**kwargs)
    # Read before joining commits (a commit expires the dialogue; reading it after would
    # read it back from the database once more).
    cookie, home = services.cookie_name(dialogue), _dialogue_home(dialogue)
    token = request.cookies.get(cookie)
    try:
        joined, token = services.join(dialogue, request.form, existing_token=token)
    except ValidationFailed as error:
        apply_errors(form, error)
        return _profile_page(dialogue, participant, form, 400)
    except DomainError as error:
        return _profile_page(dialogue, participant, form, error.status, message=error.message)
    if participant is None:
        flash(_("Välkommen! Du deltar som %(name)s.", name=services.display_name(joined)),
              "success")
    else:
        flash(_("Dina uppgifter är sparade. Du visas som %(name)s.",
                name=services.display_name(joined)), "success")
    response = redirect(home)
    response.set_cookie(
        cookie, token, max_age=services.COOKIE_MAX_AGE, path="/",
        httponly=True, samesite="Lax", secure=request.is_secure,
    )
    return response
