"""Pages of the live meeting: the facilitator's console, the projector, the phone view.
The pages are shells; their content comes from the snapshot over the socket."""

import segno
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uow
from ..dialogues.access import managed_dialogue
from ..errors import DomainError
from ..participants import services as participants
from . import services
from .actors import FACILITATOR, Actor

bp = Blueprint("live", __name__)


def _join_url(dialogue) -> str | None:
    if not dialogue.join_code:
        return None
    return url_for("participants.join_link", code=dialogue.join_code, _external=True)


@bp.get("/dialoger/<int:dialogue_id>/mote")
@login_required
def console(dialogue_id: int):
    dialogue = managed_dialogue(current_user, dialogue_id)
    return render_template("live/console.html", dialogue=dialogue,
                           projector_url=request.args.get("projektor"))


@bp.post("/dialoger/<int:dialogue_id>/projektorlank")
@login_required
def projector_link(dialogue_id: int):
    token = services.new_projector_link(Actor(FACILITATOR, dialogue_id, user=current_user))
    uow.commit()
    flash(_("En ny projektorlänk är skapad. Den gamla slutar gälla."), "success")
    url = url_for("live.projector", token=token, _external=True)
    return redirect(url_for("live.console", dialogue_id=dialogue_id, projektor=url))


@bp.get("/dialoger/<int:dialogue_id>/logg")
@login_required
def audit(dialogue_id: int):
    log = services.audit_log(Actor(FACILITATOR, dialogue_id, user=current_user))
    return render_template("live/audit.html", **log)


@bp.get("/projektor/<token>")
def projector(token: str):
    try:
        dialogue = services.projector_dialogue(token)
    except DomainError as error:
        return render_template("live/projector_gone.html", message=error.message), 404
    join_url = _join_url(dialogue)
    qr = segno.make(join_url, error="m").svg_inline(scale=6, border=2, dark="#1c2430",
                                                     omitsize=True) \
        if join_url else ""
    # What the room types: the short address of the code page, without the scheme.
    enter_url = url_for("participants.enter_code", _external=True).split("://", 1)[-1]
    return render_template("live/projector.html", dialogue=dialogue, token=token,
                           join_url=join_url, join_url_short=enter_url.rstrip("/"), qr_svg=qr)


@bp.get("/m/<code>/mote")
def phone(code: str):
    try:
        dialogue, participant = participants.visit(code, request.cookies)
        uow.commit(expire=False)  # the visit's "last seen"
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("participants.enter_code"))
    if participant is None:
        return redirect(url_for("participants.join_link", code=code))
    # The name is in the page from the start: the snapshot may take a moment on a weak network.
    return render_template("live/phone.html", dialogue=dialogue, participant=participant,
                           code=dialogue.join_code, me=participants.display_name(participant))
