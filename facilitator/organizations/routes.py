"""Pages for boards: list, new, edit."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uow
from ..core.payloads import apply_errors
from ..errors import Conflict, ValidationFailed
from . import services
from .forms import OrganizationForm
from .models import KIND_LABELS

bp = Blueprint("organizations", __name__, url_prefix="/organisationer")


@bp.get("/")
@login_required
def index():
    organizations = services.list_organizations(current_user)
    return render_template(
        "organizations/index.html", organizations=organizations, kind_labels=KIND_LABELS
    )


@bp.route("/ny", methods=["GET", "POST"])
@login_required
def new():
    form = OrganizationForm()
    if request.method == "POST":
        try:
            org = services.create_organization(current_user, request.form)
        except (ValidationFailed, Conflict) as error:
            apply_errors(form, error)
            return render_template("organizations/form.html", form=form, org=None), error.status
        uow.commit()
        flash(_("%(name)s är tillagd.", name=org.name), "success")
        return redirect(url_for("organizations.index"))
    return render_template("organizations/form.html", form=form, org=None)


@bp.route("/<int:org_id>/redigera", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    org = services.get_organization(current_user, org_id)
    if request.method == "GET":
        form = OrganizationForm(obj=org, kind=org.kind.value)
        return render_template("organizations/form.html", form=form, org=org)
    form = OrganizationForm()
    try:
        org = services.update_organization(current_user, org_id, request.form)
    except (ValidationFailed, Conflict) as error:
        apply_errors(form, error)
        return render_template("organizations/form.html", form=form, org=org), error.status
    uow.commit()
    flash(_("Ändringarna för %(name)s är sparade.", name=org.name), "success")
    return redirect(url_for("organizations.index"))
