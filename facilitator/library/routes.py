"""The library of shared good examples, and the facilitator's page for sharing a dialogue's."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uow
from ..dialogues.forms import ConfirmForm
from ..errors import DomainError, ValidationFailed
from ..followups import links
from ..followups.reviewers import LinkGone, reviewer_for_token
from ..participants import services as participant_services
from . import services

bp = Blueprint("library", __name__)


@bp.errorhandler(LinkGone)
def _link_gone(error: LinkGone):
    return render_template("followups/link_gone.html", message=error.message, link=error.link,
                           contacts=links.link_contacts(error.link)), 410


@bp.after_request
def _no_store(response):
    if request.endpoint == "library.review":
        response.headers["Cache-Control"] = "no-store"
    return response


def _library(actor, mode: str, token=None):
    try:
        data = services.library_page(actor, request.args)
        status = 200
    except ValidationFailed:
        data = services.library_page(actor, {})
        data["form"].process(request.args)
        data["form"].validate()
        status = 400
    return render_template("library/index.html", **data, mode=mode, token=token), status


@bp.get("/goda-exempel")
@login_required
def index():
    return _library(current_user, "board" if current_user.organization_id else "ivo")


@bp.get("/granskning/<token>/goda-exempel")
@uow.commits
def review(token: str):
    return _library(reviewer_for_token(token), "link", token)


@bp.get("/m/<code>/goda-exempel")
@uow.commits  # the visit's "last seen"
def participant(code: str):
    dialogue, who = participant_services.visit(code, request.cookies)
    if who is None:
        return redirect(url_for("participants.join_link", code=dialogue.join_code))
    data = services.for_participant(who, request.args.get("punkt"))
    return render_template("library/participant.html", **data, code=code)


@bp.get("/dialoger/<int:dialogue_id>/goda-exempel")
@login_required
def dialogue(dialogue_id: int):
    return render_template("library/dialogue.html",
                           **services.dialogue_examples(current_user, dialogue_id),
                           confirm=ConfirmForm())


@bp.post("/dialoger/<int:dialogue_id>/goda-exempel/<int:contribution_id>/<any(dela, sluta):action>")
@login_required
def act(dialogue_id: int, contribution_id: int, action: str):
    try:
        if action == "dela":
            services.share(current_user, dialogue_id, contribution_id)
            uow.commit()
            flash(_("Exemplet finns nu i biblioteket med goda exempel."), "success")
        else:
            services.unshare(current_user, dialogue_id, contribution_id)
            uow.commit()
            flash(_("Exemplet är borttaget ur biblioteket."), "success")
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        flash(error.message, "error")
    return redirect(url_for("library.dialogue", dialogue_id=dialogue_id,
                            _anchor=f"example-{contribution_id}"))
