"""Pages for closing a meeting and for its minutes (protokoll), with their downloads."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uow
from ..core.payloads import apply_errors
from ..dialogues.models import STATUS_LABELS
from ..errors import ValidationFailed
from . import closing, exports, presentation, versions
from .forms import ConfirmForm, CorrectionForm
from .models import MINUTES_STATUS_LABELS, MinutesStatus

bp = Blueprint("minutes", __name__, url_prefix="/dialoger/<int:dialogue_id>")


def _download(data: bytes, name: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/stang")
@login_required
def close(dialogue_id: int):
    minutes = closing.close_dialogue(current_user, dialogue_id)
    uow.commit()
    flash(_("Mötet är stängt. Här är protokollets utkast: granska det och fastställ det när "
            "det stämmer."), "success")
    return redirect(url_for("minutes.show", dialogue_id=dialogue_id, version=minutes.version))


def _index_page(dialogue_id: int, correction: CorrectionForm | None = None, status=200):
    dialogue, found = versions.list_versions(current_user, dialogue_id)
    return render_template(
        "minutes/index.html", dialogue=dialogue, versions=found,
        latest=found[0] if found else None, confirm=ConfirmForm(),
        correction=correction or CorrectionForm(), status_labels=MINUTES_STATUS_LABELS,
        dialogue_status_labels=STATUS_LABELS, can_compile=dialogue.status in versions.HAS_MINUTES,
    ), status


@bp.get("/protokoll")
@login_required
def index(dialogue_id: int):
    return _index_page(dialogue_id)


@bp.post("/protokoll/sammanstall")
@login_required
def regenerate(dialogue_id: int):
    minutes = versions.regenerate(current_user, dialogue_id)
    uow.commit()
    flash(_("Utkastet är sammanställt på nytt från uppgifterna som de är nu."), "success")
    return redirect(url_for("minutes.show", dialogue_id=dialogue_id, version=minutes.version))


@bp.post("/protokoll/rattelse")
@login_required
def correction(dialogue_id: int):
    try:
        minutes = versions.start_correction(current_user, dialogue_id, request.form)
    except ValidationFailed as error:
        return _index_page(dialogue_id, apply_errors(CorrectionForm(), error), 400)
    uow.commit()
    flash(_("Version %(n)d är skapad som utkast. Fastställ den när rättelsen stämmer.",
            n=minutes.version), "success")
    return redirect(url_for("minutes.show", dialogue_id=dialogue_id, version=minutes.version))


@bp.get("/protokoll/v<int:version>")
@login_required
def show(dialogue_id: int, version: int):
    dialogue, minutes = versions.get_version(current_user, dialogue_id, version)
    _dialogue, latest = versions.latest_version(current_user, dialogue_id)
    return render_template(
        "minutes/show.html", dialogue=dialogue, minutes=minutes, m=presentation.present(minutes),
        is_latest=latest is not None and latest.id == minutes.id,
        is_draft=minutes.status == MinutesStatus.DRAFT, confirm=ConfirmForm(),
        group_label=presentation.group_label, page_url=request.url,
    )


@bp.post("/protokoll/v<int:version>/faststall")
@login_required
def finalize(dialogue_id: int, version: int):
    minutes = versions.finalize(current_user, dialogue_id, version)
    uow.commit()
    flash(_("Protokollet version %(n)d är fastställt.", n=minutes.version), "success")
    return redirect(url_for("minutes.show", dialogue_id=dialogue_id, version=minutes.version))


@bp.get("/protokoll/v<int:version>.pdf")
@login_required
def pdf(dialogue_id: int, version: int):
    data, name = exports.export_pdf(current_user, dialogue_id, version)
    return _download(data, name, "application/pdf")


@bp.get("/protokoll/v<int:version>.csv")
@login_required
def csv(dialogue_id: int, version: int):
    data, name = exports.export_csv(current_user, dialogue_id, version)
    return _download(data, name, "text/csv; charset=utf-8")


@bp.get("/protokoll/v<int:version>.json")
@login_required
def json(dialogue_id: int, version: int):
    data, name = exports.export_json(current_user, dialogue_id, version)
    return _download(data, name, "application/json; charset=utf-8")
