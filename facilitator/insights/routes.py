"""IVO's overview across dialogues, as a page and as CSV."""

import csv
import io

from flask import Blueprint, Response, jsonify, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from ..core.documents import csv_safe
from ..errors import ValidationFailed
from ..followups.models import STATUS_LABELS
from . import consensus as consensus_service
from . import overview as overview_service

bp = Blueprint("insights", __name__)


def _overview(args):
    try:
        return overview_service.build(current_user, args), 200
    except ValidationFailed:
        view = overview_service.build(current_user, {})
        view.form.process(args)
        view.form.validate()
        return view, 400


@bp.get("/oversikt")
@login_required
def overview():
    view, status = _overview(request.args)
    drawn = overview_service.charts(view, STATUS_LABELS)
    return render_template(
        "insights/overview.html", view=view, status_labels=STATUS_LABELS,
        statuses=drawn["statuses"],
        deficiency_svg=Markup(drawn["deficiency_svg"]) if drawn["deficiency_svg"] else None,
        item_svg=Markup(drawn["item_svg"]) if drawn["item_svg"] else None), status


@bp.get("/oversikt.csv")
@login_required
def overview_csv():
    view, _status = _overview(request.args)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in overview_service.csv_rows(view, STATUS_LABELS):
        writer.writerow([csv_safe(cell) for cell in row])
    return Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="oversikt.csv"'})


@bp.get("/dialoger/<int:dialogue_id>/samsyn")
@login_required
def consensus(dialogue_id: int):
    dialogue, results = consensus_service.for_managed_dialogue(current_user, dialogue_id)
    return render_template("insights/consensus.html", dialogue=dialogue, results=results,
                           worth=consensus_service.WORTH_TALKING)


@bp.get("/dialoger/<int:dialogue_id>/samsyn.json")
@login_required
def consensus_json(dialogue_id: int):
    dialogue, figures = consensus_service.for_managed_dialogue(current_user, dialogue_id)
    results = [consensus_service.as_dict(r) for r in figures]
    return jsonify({"dialogue_id": dialogue.id, "worth_talking": consensus_service.WORTH_TALKING,
                    "to_talk_about": [r for r in results if r["worth_talking"]],
                    "reflections": results})


@bp.get("/om-samsyn")
@login_required
def about_consensus():
    return render_template("insights/about_consensus.html",
                           worth=consensus_service.WORTH_TALKING)
