"""Start page, accessibility statement, language switch and health."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from . import accessibility as statement
from . import services
from .forms import LanguageForm
from .groups import min_group_size
from .i18n import LANG_COOKIE
from .security import is_local_path

bp = Blueprint("core", __name__)


@bp.get("/")
def index():
    return render_template("core/index.html", user=current_user)


@bp.get("/tillganglighet")
def accessibility():
    return render_template(
        "core/accessibility.html", contact=current_app.config["ACCESSIBILITY_CONTACT"],
        issues=statement.KNOWN_ISSUES, reason_labels=statement.REASON_LABELS,
        status=statement.compliance(),
        status_label=statement.COMPLIANCE_LABELS[statement.compliance()],
        method=statement.ASSESSMENT_METHOD, assessed_on=statement.ASSESSED_ON,
        digg_url=statement.DIGG_REPORT_URL, min_group_size=min_group_size(),
    )


@bp.post("/sprak")
def set_language():
    form = LanguageForm()
    target = form.next.data or ""
    # Only a path on this site, so the switch cannot be used as an open redirect.
    if not is_local_path(target):
        target = url_for("core.index")
    response = redirect(target)
    if form.validate_on_submit():
        response.set_cookie(
            LANG_COOKIE, form.lang.data, max_age=365 * 24 * 3600, samesite="Lax",
            secure=request.is_secure, httponly=True,
        )
    return response


@bp.get("/healthz")
def healthz():
    ok, details = services.health()
    return jsonify(details), (200 if ok else 503)
