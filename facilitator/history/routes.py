"""A board's history page (for IVO, a board's account and a review link) and bringing an
earlier deficiency into the dialogue being prepared."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uow
from ..decisions.models import REPORT_STATUS_LABELS
from ..dialogues.models import STATUS_LABELS as DIALOGUE_STATUS
from ..errors import DomainError, PermissionDenied
from ..followups import links
from ..followups.models import STATUS_LABELS
from ..followups.reviewers import LinkGone, board_of, reviewer_for_token
from . import services

bp = Blueprint("history", __name__)


@bp.errorhandler(LinkGone)
def _link_gone(error: LinkGone):
    return render_template("followups/link_gone.html", message=error.message, link=error.link,
                           contacts=links.link_contacts(error.link)), 410


@bp.after_request
def _no_store(response):
    # The review link's token is in the path (the page also sends no referrer).
    if request.endpoint == "history.review":
        response.headers["Cache-Control"] = "no-store"
    return response


def _page(data: dict, mode: str, token: str | None = None):
    return render_template("history/board.html", **data, mode=mode, token=token,
                           status_labels=STATUS_LABELS, dialogue_status_labels=DIALOGUE_STATUS,
                           report_status_labels=REPORT_STATUS_LABELS)


@bp.get("/organisationer/<int:organization_id>/historik")
@login_required
def organization(organization_id: int):
    if board_of(current_user):
        if board_of(current_user) == organization_id:
            return redirect(url_for("history.board"))
        raise PermissionDenied(_("Kontot hör till en annan nämnd."))
    return _page(services.board_history(current_user, organization_id), "ivo")


@bp.get("/namnd/historik")
@login_required
def board():
    if not board_of(current_user):
        raise PermissionDenied(_("Den här sidan är för nämndens granskning."))
    return _page(services.board_history(current_user), "board")


@bp.get("/granskning/<token>/historik")
@uow.commits
def review(token: str):
    return _page(services.board_history(reviewer_for_token(token)), "link", token)


@bp.post("/dialoger/<int:dialogue_id>/aterkommande/<int:reflection_id>")
@login_required
def bring_in(dialogue_id: int, reflection_id: int):
    try:
        reflection = services.bring_in(current_user, dialogue_id, reflection_id,
                                       request.form.get("organization_id"))
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        flash(error.message, "error")
        return redirect(url_for("dialogues.reflections", dialogue_id=dialogue_id))
    uow.commit()
    flash(_("”%(title)s” är tillagd som reflektion med koppling till den tidigare. Skriv in "
            "underlaget från den här tillsynen.", title=reflection.title), "success")
    return redirect(url_for("dialogues.edit_reflection", dialogue_id=dialogue_id,
                            reflection_id=reflection.id))
