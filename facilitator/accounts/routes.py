"""Login, logout and the admin's facilitator list."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from ..core import uow
from ..core.logs import signed_in
from ..core.security import is_local_path
from ..errors import DomainError, NotAuthenticated, PermissionDenied
from ..extensions import limiter, login_manager
from . import services
from .forms import ConfirmForm, LoginForm, UserForm

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _account_and_address() -> str:
    """The key of a failed login: the account tried and the address trying it.

    One person mistyping their password in an office behind one address locks out only that
    account from that address; the looser per-address ceiling still stops one address trying
    many accounts. The address is Flask-Limiter's (behind nginx: the forwarded one).
    """
    email = (request.form.get("email") or "").strip().casefold()[:254]
    return f"{get_remote_address()}|{email}"


def _failed(response) -> bool:
    return response.status_code == 401


def _safe_next(target: str | None) -> str:
    if is_local_path(target):
        return target
    return url_for("core.index")


@bp.route("/logga-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_and_address,
               deduct_when=_failed, scope="login-account")
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed, scope="login-address")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    if request.method == "POST" and not current_app.config["PASSWORD_LOGIN"]:
        raise PermissionDenied(_("Inloggning med lösenord är avstängd. Logga in med %(org)s.",
                                 org=current_app.config["OIDC_ORGANIZATION"]))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except NotAuthenticated as error:
            form.password.errors.append(error.message)
            status = 401
            signed_in("password", "refused")
        else:
            services.log_in(user)
            uow.commit()
            signed_in("password", "ok", user.id)
            if user.organization_id:  # a board's staff account: straight to its follow-up
                return redirect(url_for("followups.board_home"))
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logga-ut")
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        end_session = session.get("end_session_url")  # set by a provider sign-in
        services.log_out(current_user)
        uow.commit()
        flash(_("Du är utloggad."), "info")
        if end_session:
            return redirect(end_session)
    return redirect(url_for("accounts.login"))


@bp.route("/konton", methods=["GET", "POST"])
@login_required
def users():
    form = UserForm()
    form.organization_id.choices = services.board_choices()
    created_password = None
    if form.validate_on_submit():
        if current_app.config["PASSWORD_LOGIN"]:
            password = form.password.data or services.generate_password()
        else:  # signs in through the identity provider; linked by its verified e-mail
            password = None
        try:
            user = services.create_user(
                form.email.data, form.name.data, password, is_admin=form.is_admin.data,
                actor=current_user, organization_id=int(form.organization_id.data or 0) or None,
            )
        except DomainError as error:
            if error.status == 403:
                raise
            form.email.errors.append(error.message)
        else:
            uow.commit()
            flash(_("Kontot för %(name)s är skapat.", name=user.name), "success")
            if password is not None and not form.password.data:
                created_password = password
            form = UserForm(formdata=None)
            form.organization_id.choices = services.board_choices()
    listed = services.list_users(current_user)
    return render_template(
        "accounts/users.html", form=form, users=listed, confirm=ConfirmForm(),
        created_password=created_password,
    )


@bp.post("/konton/<int:user_id>/aktiv")
@login_required
def set_active(user_id: int):
    if ConfirmForm().validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            user = services.set_active(current_user, user_id, active)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            flash(error.message, "error")
        else:
            uow.commit()
            message = (
                _("%(name)s är aktiverad.", name=user.name) if active
                else _("%(name)s är inaktiverad och utloggad.", name=user.name)
            )
            flash(message, "success")
    return redirect(url_for("accounts.users"))
