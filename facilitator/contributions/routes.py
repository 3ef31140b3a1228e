"""The participant's pre-read (read, ask, disagree, take a stance) and the facilitators'
preparation summary. Plain forms with POST-redirect-GET; JavaScript only enhances."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uow
from ..core.payloads import apply_errors
from ..errors import ValidationFailed
from ..participants import services as participant_services
from . import services
from .forms import FORMS, StanceForm, with_ids
from .models import ContributionKind, ContributionStatus

bp = Blueprint("contributions", __name__)


def _participant(code: str):
    """The dialogue and the participant this phone is, from the dialogue's own cookie (the
    visit's "last seen" is stored by the view's commit)."""
    return participant_services.visit(code, request.cookies)


def _forms(data: dict, failed: tuple[str, object] | None = None) -> dict:
    """Blank forms for every place on the page; the failed one keeps what was typed."""
    forms = {}
    for reflection in data["dialogue"].reflections:
        rid = reflection.id
        forms[f"question-{rid}"] = FORMS[ContributionKind.QUESTION](
            formdata=None, data={"reflection_id": rid, "kind": "question"})
        forms[f"disagreement-{rid}"] = FORMS[ContributionKind.DISAGREEMENT](
            formdata=None, data={"reflection_id": rid, "kind": "disagreement"})
        current = data["stances"].get(rid)
        forms[f"stance-{rid}"] = StanceForm(
            formdata=None, data={"reflection_id": rid, "value": current.value if current else None})
    forms["question-general"] = FORMS[ContributionKind.QUESTION](
        formdata=None, data={"kind": "question"})
    forms["good_example-general"] = FORMS[ContributionKind.GOOD_EXAMPLE](
        formdata=None, data={"kind": "good_example"})
    if failed is not None and failed[0] in forms:
        forms[failed[0]] = failed[1]
    for key, form in forms.items():
        with_ids(form, key)
    return forms


def _page(data: dict, failed=None, status: int = 200, error: str | None = None):
    return render_template(
        "contributions/preread.html", forms=_forms(data, failed), failed_key=failed and failed[0],
        error=error,
        kind_labels={k.value: v for k, v in services.KIND_LABELS.items()},
        pending=ContributionStatus.PENDING, stance_labels=services.STANCE_LABELS, **data,
    ), status


def _slot(kind: str, reflection_id) -> str:
    return f"{kind}-{reflection_id or 'general'}"


@bp.get("/m/<code>/forberedelse")
@uow.commits  # the visit's "last seen"
def preread(code: str):
    dialogue, participant = _participant(code)
    if participant is None:
        return redirect(url_for("participants.join_link", code=dialogue.join_code))
    return _page(services.preread(participant))


@bp.post("/m/<code>/bidrag")
def submit(code: str):
    dialogue, participant = _participant(code)
    kind = request.form.get("kind") or "question"
    try:
        contribution, created = services.submit_contribution(participant, request.form)
        uow.commit()
    except ValidationFailed as error:
        form_class = FORMS.get(kind if kind in FORMS else ContributionKind.QUESTION)
        form = apply_errors(form_class(), error)
        slot = _slot(kind, request.form.get("reflection_id"))
        return _page(services.preread(participant), (slot, form), 400, error.message)
    if not created:
        flash(_("Det här hade redan kommit fram. Inget skickades två gånger."), "info")
    elif contribution.personal_data_flag:
        flash(_("Tack! Texten ser ut att innehålla ett personnummer, så den visas bara för "
                "samordnaren. Skriv gärna om den utan personuppgifter."), "error")
    elif contribution.status == ContributionStatus.PENDING:
        flash(_("Tack! Det du skrev är mottaget och väntar på granskning innan andra ser det."),
              "success")
    else:
        flash(_("Tack! Det du skrev syns nu för de andra deltagarna."), "success")
    anchor = f"r-{contribution.reflection_id}" if contribution.reflection_id else "fragor"
    return redirect(url_for("contributions.preread", code=dialogue.join_code, _anchor=anchor))


@bp.post("/m/<code>/samsyn")
def stance(code: str):
    dialogue, participant = _participant(code)
    try:
        saved = services.set_stance(participant, request.form)
    except ValidationFailed as error:
        form = apply_errors(StanceForm(), error)
        slot = _slot("stance", request.form.get("reflection_id"))
        return _page(services.preread(participant), (slot, form), 400, error.message)
    uow.commit()
    flash(_("Ditt svar är sparat. Du kan ändra det fram till mötet."), "success")
    return redirect(url_for("contributions.preread", code=dialogue.join_code,
                            _anchor=f"r-{saved.reflection_id}"))


@bp.get("/dialoger/<int:dialogue_id>/sammanfattning")
@login_required
def summary(dialogue_id: int):
    data = services.preparation_summary(current_user, dialogue_id)
    return render_template("contributions/summary.html", **data)
