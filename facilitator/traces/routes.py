"""The trace pages and their JSON: a reflection (IVO), a follow-up item (IVO, the board)."""

import json

from flask import Blueprint, Response, render_template, url_for
from flask_login import current_user, login_required

from ..core import uow
from ..errors import PermissionDenied
from ..followups.reviewers import as_reviewer, reviewer_for_token
from . import services

bp = Blueprint("traces", __name__)


def _json(trace: dict, name: str) -> Response:
    body = json.dumps(trace, ensure_ascii=False, indent=2).encode("utf-8")
    response = Response(body, mimetype="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _page(trace: dict, back_url: str, json_url: str, mode: str = "ivo"):
    return render_template("traces/trace.html", t=trace, back_url=back_url, json_url=json_url,
                           mode=mode)


@bp.get("/dialoger/<int:dialogue_id>/reflektioner/<int:reflection_id>/spar")
@login_required
def reflection(dialogue_id: int, reflection_id: int):
    trace = services.reflection_trace(current_user, dialogue_id, reflection_id)
    return _page(trace, url_for("dialogues.reflections", dialogue_id=dialogue_id),
                 url_for("traces.reflection_json", dialogue_id=dialogue_id,
                         reflection_id=reflection_id))


@bp.get("/dialoger/<int:dialogue_id>/reflektioner/<int:reflection_id>/spar.json")
@login_required
def reflection_json(dialogue_id: int, reflection_id: int):
    trace = services.reflection_trace(current_user, dialogue_id, reflection_id)
    return _json(trace, f"spar-reflektion-{reflection_id}.json")


def _board():
    reviewer = as_reviewer(current_user)
    if reviewer is None:
        raise PermissionDenied("")
    return reviewer


@bp.get("/uppfoljning/punkt/<int:item_id>/spar")
@login_required
def item(item_id: int):
    trace = services.item_trace(current_user, item_id)
    return _page(trace, url_for("followups.item", item_id=item_id),
                 url_for("traces.item_json", item_id=item_id))


@bp.get("/uppfoljning/punkt/<int:item_id>/spar.json")
@login_required
def item_json(item_id: int):
    return _json(services.item_trace(current_user, item_id), f"spar-punkt-{item_id}.json")


@bp.get("/namnd/punkt/<int:item_id>/spar")
@login_required
def board_item(item_id: int):
    trace = services.item_trace(_board(), item_id)
    return _page(trace, url_for("followups.board_item", item_id=item_id),
                 url_for("traces.board_item_json", item_id=item_id), "board")


@bp.get("/namnd/punkt/<int:item_id>/spar.json")
@login_required
def board_item_json(item_id: int):
    return _json(services.item_trace(_board(), item_id), f"spar-punkt-{item_id}.json")


@bp.get("/granskning/<token>/punkt/<int:item_id>/spar")
@uow.commits
def review_item(token: str, item_id: int):
    trace = services.item_trace(reviewer_for_token(token), item_id)
    return _page(trace, url_for("followups.review_item", token=token, item_id=item_id),
                 url_for("traces.review_item_json", token=token, item_id=item_id), "link")


@bp.get("/granskning/<token>/punkt/<int:item_id>/spar.json")
@uow.commits
def review_item_json(token: str, item_id: int):
    trace = services.item_trace(reviewer_for_token(token), item_id)
    return _json(trace, f"spar-punkt-{item_id}.json")
