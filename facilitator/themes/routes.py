"""The list of themes: every facilitator reads it, admins add and change themes."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uow
from ..core.payloads import apply_errors
from ..errors import ValidationFailed
from . import services
from .forms import ThemeForm

bp = Blueprint("themes", __name__, url_prefix="/teman")


@bp.get("/")
@login_required
def index():
    return render_template("themes/index.html", themes=services.list_themes(current_user))


@bp.route("/nytt", methods=["GET", "POST"])
@login_required
def new():
    form = ThemeForm()
    if request.method == "POST":
        try:
            theme = services.create_theme(current_user, request.form)
        except ValidationFailed as error:
            apply_errors(form, error)
            return render_template("themes/form.html", form=form, theme=None), 400
        uow.commit()
        flash(_("Temat ”%(name)s” är tillagt.", name=theme.name), "success")
        return redirect(url_for("themes.index"))
    services.require_admin(current_user)  # the page itself is for admins only
    return render_template("themes/form.html", form=form, theme=None)


@bp.route("/<int:theme_id>", methods=["GET", "POST"])
@login_required
def edit(theme_id: int):
    theme = services.get_theme(current_user, theme_id)
    if request.method == "GET":
        services.require_admin(current_user)
        return render_template("themes/form.html", form=ThemeForm(obj=theme), theme=theme)
    form = ThemeForm()
    try:
        theme = services.update_theme(current_user, theme_id, request.form)
    except ValidationFailed as error:
        apply_errors(form, error)
        return render_template("themes/form.html", form=form, theme=theme), 400
    uow.commit()
    flash(_("Ändringarna för ”%(name)s” är sparade.", name=theme.name), "success")
    return redirect(url_for("themes.index"))
