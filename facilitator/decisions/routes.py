"""Pages for IVO's decision (IVO) and for a board's measures and redovisning (a board's
staff account or its review link). Each route parses, calls one service, commits once."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uow
from ..core.payloads import apply_errors
from ..errors import Conflict, PermissionDenied, ValidationFailed
from ..followups.reviewers import as_reviewer, reviewer_for_token
from . import services
from .forms import DecisionForm, MeasureForm, ReviewForm
from .models import KIND_LABELS, MEASURE_STATUS_LABELS, REPORT_STATUS_LABELS

bp = Blueprint("decisions", __name__)


# --- IVO ---------------------------------------------------------------------------------


def _decision_page(dialogue_id: int, form=None, review_errors=None, status=200):
    page = services.decision_page(current_user, dialogue_id)
    decision = page["decision"]
    if form is None:
        form = DecisionForm(requirement_choices=page["choices"], obj=decision)
        if decision is not None:
            form.requirement_ids.data = [r.id for r in decision.requirements]
    return render_template("decisions/ivo.html", **page, form=form, review_form=ReviewForm(),
                           review_errors=review_errors or {},
                           report_status_labels=REPORT_STATUS_LABELS), status


@bp.get("/dialoger/<int:dialogue_id>/beslut")
@login_required
def ivo(dialogue_id: int):
    return _decision_page(dialogue_id)


@bp.post("/dialoger/<int:dialogue_id>/beslut")
@login_required
def record(dialogue_id: int):
    try:
        services.record_decision(current_user, dialogue_id, request.form)
    except ValidationFailed as error:
        page = services.decision_page(current_user, dialogue_id)
        form = apply_errors(DecisionForm(requirement_choices=page["choices"]), error)
        return _decision_page(dialogue_id, form, status=400)
    uow.commit()
    flash(_("Beslutet är sparat. Nämnderna ser nu vilka brister som ska redovisas och när."),
          "success")
    return redirect(url_for("decisions.ivo", dialogue_id=dialogue_id))


@bp.post("/dialoger/<int:dialogue_id>/beslut/redovisning/<int:version_id>")
@login_required
def review(dialogue_id: int, version_id: int):
    try:
        version = services.review_report(current_user, dialogue_id, version_id, request.form)
    except ValidationFailed as error:
        return _decision_page(dialogue_id, review_errors={version_id: error.errors}, status=400)
    uow.commit()
    flash(_("Ditt besked om version %(n)d är sparat och syns för nämnden.", n=version.version),
          "success")
    return redirect(url_for("decisions.ivo", dialogue_id=dialogue_id) + "#redovisningar")


# --- a board -----------------------------------------------------------------------------


def _board():
    reviewer = as_reviewer(current_user)
    if reviewer is None:
        raise PermissionDenied(_("Den här sidan är för nämndernas konton."))
    return reviewer


def _urls(mode: str, dialogue_id: int | None, token: str | None) -> dict:
    if mode == "link":
        return {"save": url_for("decisions.review_save", token=token),
                "submit": url_for("decisions.review_submit", token=token),
                "back": url_for("followups.review", token=token),
                "report": url_for("followups.review_report_page", token=token)}
    return {"save": url_for("decisions.board_save", dialogue_id=dialogue_id),
            "submit": url_for("decisions.board_submit", dialogue_id=dialogue_id),
            "back": url_for("followups.board_home"),
            "report": url_for("followups.board_report_page", dialogue_id=dialogue_id)}


def _board_page(actor, mode: str, dialogue_id, token=None, payload=None, errors=None,
                status=200):
    page = services.board_page(actor, dialogue_id)
    forms = {}
    for req in page["requirements"]:
        r, m = req["reflection"], req["measure"]
        prefix = services.measure_prefix(r.id)
        if payload is not None:
            form = MeasureForm(formdata=payload, prefix=prefix, meta={"csrf": False})
        else:
            form = MeasureForm(prefix=prefix, obj=m, meta={"csrf": False})
            if m is not None:
                form.kind.data, form.status.data = m.kind.value, m.status.value
        for name, messages in (errors or {}).items():
            if name.startswith(prefix) and hasattr(form, name[len(prefix):]):
                getattr(form, name[len(prefix):]).errors = list(messages)
        forms[r.id] = form
    return render_template(
        "decisions/board.html", **page, forms=forms, mode=mode, token=token,
        urls=_urls(mode, page["dialogue"].id, token), kind_labels=KIND_LABELS,
        measure_status_labels=MEASURE_STATUS_LABELS, report_status_labels=REPORT_STATUS_LABELS,
    ), status


def _save(actor, mode: str, dialogue_id, token=None):
    try:
        services.save_measures(actor, dialogue_id, request.form)
    except ValidationFailed as error:
        flash(error.message, "error")
        return _board_page(actor, mode, dialogue_id, token, request.form, error.errors, 400)
    uow.commit()
    flash(_("Åtgärderna är sparade."), "success")
    return redirect(request.path)


def _submit(actor, mode: str, dialogue_id, token=None):
    back = request.path.rsplit("/", 1)[0]
    try:
        version = services.submit_report(actor, dialogue_id)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(back)
    uow.commit()
    flash(_("Redovisningen är inskickad till IVO som version %(n)d.", n=version.version),
          "success")
    return redirect(back)


@bp.get("/namnd/dialog/<int:dialogue_id>/beslut")
@login_required
def board(dialogue_id: int):
    return _board_page(_board(), "board", dialogue_id)


@bp.post("/namnd/dialog/<int:dialogue_id>/beslut")
@login_required
def board_save(dialogue_id: int):
    return _save(_board(), "board", dialogue_id)


@bp.post("/namnd/dialog/<int:dialogue_id>/beslut/skicka")
@login_required
def board_submit(dialogue_id: int):
    return _submit(_board(), "board", dialogue_id)


@bp.get("/granskning/<token>/beslut")
@uow.commits
def review_board(token: str):
    reviewer = reviewer_for_token(token)
    return _board_page(reviewer, "link", reviewer.dialogue_id, token)


@bp.post("/granskning/<token>/beslut")
def review_save(token: str):
    reviewer = reviewer_for_token(token)
    return _save(reviewer, "link", reviewer.dialogue_id, token)


@bp.post("/granskning/<token>/beslut/skicka")
def review_submit(token: str):
    reviewer = reviewer_for_token(token)
    return _submit(reviewer, "link", reviewer.dialogue_id, token)
