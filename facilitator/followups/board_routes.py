"""A board's pages for its follow-up items: through its staff account (`/namnd`) or a review
link (`/granskning/<token>`), on the same blueprint and templates as IVO's (`routes.py`)."""

from flask import Response, render_template
from flask_login import login_required

from ..core import uow
from . import ics, queries
from .reviewers import reviewer_for_token
from .routes import (
    _act,
    _board,
    _download,
    _item_view,
    _labels,
    _redovisning,
    _report_page,
    _urls,
    bp,
)

# --- a board's staff account -------------------------------------------------------------


@bp.get("/namnd")
@login_required
def board_home():
    reviewer = _board()
    return render_template("followups/board.html", **queries.board_home(reviewer),
                           u=_urls("board"), mode="board", **_labels())


@bp.get("/namnd/punkt/<int:item_id>")
@login_required
def board_item(item_id: int):
    return _item_view(_board(), "board", item_id)


@bp.post("/namnd/punkt/<int:item_id>/<any(status, comment, evidence, update):action>")
@login_required
def board_act(item_id: int, action: str):
    return _act(_board(), "board", item_id, action)


@bp.get("/namnd/underlag/<int:evidence_id>")
@login_required
def board_download(evidence_id: int):
    return _download(_board(), evidence_id)


@bp.get("/namnd/dialog/<int:dialogue_id>/redovisning")
@login_required
def board_report_page(dialogue_id: int):
    return _report_page(_board(), "board", dialogue_id)


@bp.get("/namnd/dialog/<int:dialogue_id>/redovisning.<any(pdf, docx):kind>")
@login_required
def board_report(dialogue_id: int, kind: str):
    return _redovisning(_board(), dialogue_id, kind)


# --- a board's review link (no account) ----------------------------------------------------


@bp.get("/granskning/<token>")
@uow.commits
def review(token: str):
    reviewer = reviewer_for_token(token)
    return render_template("followups/board.html", **queries.board_home(reviewer),
                           u=_urls("link", token), mode="link", token=token, **_labels())


@bp.get("/granskning/<token>/punkt/<int:item_id>")
@uow.commits
def review_item(token: str, item_id: int):
    return _item_view(reviewer_for_token(token), "link", item_id, token)


@bp.post("/granskning/<token>/punkt/<int:item_id>/<any(status, comment, evidence, update):action>")
def review_act(token: str, item_id: int, action: str):
    return _act(reviewer_for_token(token), "link", item_id, action, token)


@bp.get("/granskning/<token>/underlag/<int:evidence_id>")
@uow.commits
def review_download(token: str, evidence_id: int):
    return _download(reviewer_for_token(token), evidence_id)


@bp.get("/granskning/<token>/redovisning")
@uow.commits
def review_report_page(token: str):
    reviewer = reviewer_for_token(token)
    return _report_page(reviewer, "link", reviewer.dialogue_id, token=token)


@bp.get("/granskning/<token>/redovisning.<any(pdf, docx):kind>")
@uow.commits
def review_report(token: str, kind: str):
    reviewer = reviewer_for_token(token)
    return _redovisning(reviewer, reviewer.dialogue_id, kind)


@bp.get("/granskning/<token>/kalender.ics")
def review_calendar(token: str):
    body = ics.ics_feed(reviewer_for_token(token, touch=False))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="uppfoljning.ics"'})

