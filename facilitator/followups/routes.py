"""Pages for follow-up items: IVO's pages, the overview and the redovisning downloads (a
board's pages and its calendar feed are in `board_routes.py`, on the same blueprint).

Three ways to an item page share one template: IVO (`followups.item`), a board's staff account
(`followups.board_item`) and a review link (`followups.review_item`).
"""

import io

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uow
from ..core.payloads import apply_errors
from ..errors import PermissionDenied, ValidationFailed
from . import commands, links, prefill, queries, reports
from .forms import CommentForm, EvidenceForm, FollowUpForm, ReviewLinkForm, StatusForm
from .models import AGREEMENT_LABELS, STATUS_LABELS
from .reviewers import LinkGone, as_reviewer

bp = Blueprint("followups", __name__)

PREFIX = {"ivo": "followups.", "board": "followups.board_", "link": "followups.review_"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _urls(mode: str, token: str | None = None):
    def u(name: str, **kwargs) -> str:
        if mode == "link":
            kwargs["token"] = token
        return url_for(PREFIX[mode] + name, **kwargs)

    return u


def _labels() -> dict:
    return {"status_labels": STATUS_LABELS, "agreement_labels": AGREEMENT_LABELS,
            "agreement_label": reports.agreement_label,
            "author": commands.event_author, "owner_name": commands.owner_name,
            "is_overdue": commands.is_overdue}


@bp.errorhandler(LinkGone)
def _link_gone(error: LinkGone):
    return render_template("followups/link_gone.html", message=error.message, link=error.link,
                           contacts=links.link_contacts(error.link)), 410


@bp.after_request
def _no_referrer(response):
    # The review link's token is in the path: not cached; the pages also carry
    # <meta name="referrer" content="no-referrer"> so it is never sent on to another site.
    if request.endpoint and request.endpoint.startswith("followups.review"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _board() -> object:
    """The current board staff account as a reviewer (facilitators use IVO's pages)."""
    reviewer = as_reviewer(current_user)
    if reviewer is None:
        raise PermissionDenied(_("Den här sidan är för nämndernas konton. "
                                 "Som samordnare hittar du uppföljningen under ”Uppföljning”."))
    return reviewer


# --- IVO: a dialogue's follow-up page --------------------------------------------------


def _dialogue_page(dialogue_id: int, link_form=None, new_link=None, status=200):
    page = queries.dialogue_page(current_user, dialogue_id)
    form = link_form or ReviewLinkForm(organization_choices=page["organization_choices"])
    return render_template("followups/dialogue.html", **page, link_form=form,
                           new_link=new_link, **_labels()), status


@bp.get("/dialoger/<int:dialogue_id>/uppfoljning")
@login_required
def dialogue(dialogue_id: int):
    return _dialogue_page(dialogue_id)


@bp.route("/dialoger/<int:dialogue_id>/uppfoljning/ny", methods=["GET", "POST"])
@login_required
def new_item(dialogue_id: int):
    kwargs = prefill.form_kwargs(current_user, dialogue_id)
    if request.method == "GET":
        data = prefill.new_item_data(current_user, dialogue_id, request.args.get("fran"))
        form = FollowUpForm(formdata=None, data=data, **kwargs)
        return render_template("followups/form.html", form=form, dialogue_id=dialogue_id,
                               item=None)
    form = FollowUpForm(**kwargs)
    try:
        item = commands.create_item(current_user, dialogue_id, request.form)
    except ValidationFailed as error:
        apply_errors(form, error)
        return render_template("followups/form.html", form=form, dialogue_id=dialogue_id,
                               item=None), 400
    uow.commit()
    flash(_("Uppföljningspunkten är sparad."), "success")
    if request.form.get("another"):
        return redirect(url_for("followups.new_item", dialogue_id=dialogue_id))
    return redirect(url_for("followups.dialogue", dialogue_id=dialogue_id) + f"#punkt-{item.id}")


@bp.get("/dialoger/<int:dialogue_id>/uppfoljning/fran")
@login_required
def sources(dialogue_id: int):
    return render_template("followups/sources.html",
                           **prefill.sources(current_user, dialogue_id))


@bp.post("/dialoger/<int:dialogue_id>/uppfoljning/lankar")
@login_required
def create_link(dialogue_id: int):
    try:
        link, token = links.create_review_link(current_user, dialogue_id, request.form)
    except ValidationFailed as error:
        page = queries.dialogue_page(current_user, dialogue_id)
        form = ReviewLinkForm(organization_choices=page["organization_choices"])
        apply_errors(form, error)
        return _dialogue_page(dialogue_id, link_form=form, status=400)
    uow.commit()
    url = url_for("followups.review", token=token, _external=True)
    return _dialogue_page(dialogue_id, new_link={"link": link, "url": url})


@bp.post("/dialoger/<int:dialogue_id>/uppfoljning/lankar/<int:link_id>/aterkalla")
@login_required
def revoke_link(dialogue_id: int, link_id: int):
    link = links.revoke_review_link(current_user, dialogue_id, link_id)
    uow.commit()
    flash(_("Länken för %(board)s är återkallad.", board=link.organization.name), "success")
    return redirect(url_for("followups.dialogue", dialogue_id=dialogue_id) + "#lankar")


_REDOVISNING = {"pdf": reports.redovisning_pdf, "docx": reports.redovisning_docx}


def _document(data: tuple[bytes, str], kind: str) -> Response:
    body, name = data
    mimetype = "application/pdf" if kind == "pdf" else DOCX
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True,
                     download_name=name)


def _redovisning(actor, dialogue_id, kind: str, organization_id=None) -> Response:
    """The redovisning as a download, as IVO and the boards get it (`kind` is pdf or docx)."""
    return _document(_REDOVISNING[kind](actor, dialogue_id, organization_id), kind)


def _report_page(actor, mode: str, dialogue_id, organization_id=None, token=None):
    report = reports.build_report(actor, dialogue_id, organization_id)
    if mode == "ivo":
        kw = {"dialogue_id": report["dialogue_id"], "organization_id": report["organization_id"]}
        downloads = {kind: url_for("followups.report", kind=kind, **kw)
                     for kind in ("pdf", "docx")}
        back = (url_for("followups.dialogue", dialogue_id=report["dialogue_id"]),
                _("Uppföljningen av dialogen"))
    elif mode == "board":
        downloads = {kind: url_for("followups.board_report", dialogue_id=report["dialogue_id"],
                                   kind=kind) for kind in ("pdf", "docx")}
        back = (url_for("followups.board_home"), _("Nämndens uppföljning"))
    else:
        downloads = {kind: url_for("followups.review_report", token=token, kind=kind)
                     for kind in ("pdf", "docx")}
        back = (url_for("followups.review", token=token), _("Nämndens uppföljning"))
    return render_template("followups/report.html", r=report, mode=mode, downloads=downloads,
                           back_url=back[0], back_label=back[1])


@bp.get("/dialoger/<int:dialogue_id>/uppfoljning/redovisning/<int:organization_id>")
@login_required
def report_page(dialogue_id: int, organization_id: int):
    return _report_page(current_user, "ivo", dialogue_id, organization_id)


@bp.get("/dialoger/<int:dialogue_id>/uppfoljning/redovisning/<int:organization_id>.<kind>")
@login_required
def report(dialogue_id: int, organization_id: int, kind: str):
    if kind not in _REDOVISNING:
        return render_template("errors/error.html", status=404, title=_("Sidan finns inte"),
                               message=_("Redovisningen finns som PDF och DOCX.")), 404
    return _redovisning(current_user, dialogue_id, kind, organization_id)


# --- IVO: the overview -----------------------------------------------------------------


@bp.get("/uppfoljning")
@login_required
def overview():
    data = queries.overview(current_user, request.args)
    return render_template("followups/overview.html", **data, **_labels())


# --- an item's page, for IVO, a board account and a review link -------------------------


def _item_view(actor, mode: str, item_id: int, token=None, forms=None, status=200):
    page = queries.item_page(actor, item_id)
    forms = forms or {}
    status_form = forms.get("status") or StatusForm(formdata=None)
    status_form.status.choices = [("", _("Välj ny status"))] + [
        (s.value, STATUS_LABELS[s]) for s in page["allowed"]]
    return render_template(
        "followups/item.html", **page, mode=mode, u=_urls(mode, token), token=token,
        status_form=status_form,
        comment_form=forms.get("comment") or CommentForm(formdata=None),
        evidence_form=forms.get("evidence") or EvidenceForm(formdata=None),
        **_labels(),
    ), status


ACTIONS = {
    "status": (StatusForm, lambda a, i: commands.change_status(a, i, request.form),
               lambda: _("Status är ändrad.")),
    "comment": (CommentForm, lambda a, i: commands.add_comment(a, i, request.form),
                lambda: _("Kommentaren är sparad.")),
    "evidence": (EvidenceForm,
                 lambda a, i: commands.add_evidence(a, i, request.form,
                                                    request.files.get("file")),
                 lambda: _("Underlaget är sparat.")),
}


def _act(actor, mode: str, item_id: int, action: str, token=None):
    if action == "update":
        return _update(actor, mode, item_id, token)
    form_class, call, done = ACTIONS[action]
    try:
        call(actor, item_id)
    except ValidationFailed as error:
        form = form_class()
        apply_errors(form, error)
        if not error.errors:
            flash(error.message, "error")
        return _item_view(actor, mode, item_id, token, forms={action: form}, status=400)
    uow.commit()
    flash(done(), "success")
    return redirect(_urls(mode, token)("item", item_id=item_id) + "#historik")


def _update(actor, mode: str, item_id: int, token=None):
    """The page's one form: every part kept as typed when something is refused."""
    try:
        saved = commands.save_update(actor, item_id, request.form, request.files.get("file"))
    except ValidationFailed as error:
        forms = {name: apply_errors(form_class(), error)
                 for name, form_class in (("status", StatusForm), ("comment", CommentForm),
                                          ("evidence", EvidenceForm))}
        flash(error.message, "error")
        return _item_view(actor, mode, item_id, token, forms=forms, status=400)
    uow.commit()
    for message in saved:
        flash(message, "success")
    return redirect(_urls(mode, token)("item", item_id=item_id) + "#historik")


@bp.get("/uppfoljning/punkt/<int:item_id>")
@login_required
def item(item_id: int):
    return _item_view(current_user, "ivo", item_id)


@bp.post("/uppfoljning/punkt/<int:item_id>/<any(status, comment, evidence, update):action>")
@login_required
def act(item_id: int, action: str):
    return _act(current_user, "ivo", item_id, action)


@bp.route("/uppfoljning/punkt/<int:item_id>/redigera", methods=["GET", "POST"])
@login_required
def edit_item(item_id: int):
    page = queries.item_page(current_user, item_id)
    item_ = page["item"]
    if page["reviewer"] is not None:
        raise PermissionDenied(_("Bara IVO kan ändra uppföljningspunkten."))
    kwargs = {"owner_choices": prefill.owner_choices(item_.dialogue)}
    if request.method == "GET":
        data = {"title": item_.title, "description": item_.description,
                "owner": str(item_.organization_id) if item_.organization_id else "ivo",
                "responsible_role": item_.responsible_role, "due_date": item_.due_date,
                "agreement": item_.agreement.value, "ivo_position": item_.ivo_position,
                "board_position": item_.board_position}
        form = FollowUpForm(formdata=None, data=data, **kwargs)
        return render_template("followups/form.html", form=form, item=item_,
                               dialogue_id=item_.dialogue_id)
    form = FollowUpForm(**kwargs)
    try:
        commands.update_item(current_user, item_id, request.form)
    except ValidationFailed as error:
        apply_errors(form, error)
        return render_template("followups/form.html", form=form, item=item_,
                               dialogue_id=item_.dialogue_id), 400
    uow.commit()
    flash(_("Ändringarna är sparade."), "success")
    return redirect(url_for("followups.item", item_id=item_id))


def _download(actor, evidence_id: int) -> Response:
    path, name, content_type = commands.evidence_file(actor, evidence_id)
    # At most 10 MB: read whole, so no file handle outlives the request.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=content_type,
                         as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/uppfoljning/underlag/<int:evidence_id>")
@login_required
def download(evidence_id: int):
    return _download(current_user, evidence_id)
