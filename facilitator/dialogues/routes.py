"""The facilitator's pages for preparing a dialogue."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uow
from ..core.payloads import apply_errors
from ..errors import DomainError, ValidationFailed
from . import services
from .forms import AgendaItemForm, ConfirmForm, DialogueForm, ReflectionForm
from .models import KIND_LABELS, STATUS_LABELS, DialogueStatus

bp = Blueprint("dialogues", __name__, url_prefix="/dialoger")

#: What the button for each forward step says, and what it asks before.
STEP_BUTTONS = {
    DialogueStatus.PUBLISHED: (
        lambda: _("Publicera"),
        lambda: _("Publicera dialogen? Deltagare kan då läsa reflektionerna och gå med."),
    ),
    DialogueStatus.LIVE: (
        lambda: _("Starta mötet"),
        lambda: _("Starta mötet nu? Dagordningen börjar löpa."),
    ),
    DialogueStatus.CLOSED: (
        lambda: _("Avsluta mötet"),
        lambda: _("Avsluta mötet? Inga fler inlägg tas emot."),
    ),
    DialogueStatus.ARCHIVED: (
        lambda: _("Arkivera"),
        lambda: _("Arkivera dialogen? Koden slutar gälla och kan ges till en annan dialog."),
    ),
}

TRANSITION_MESSAGES = {
    DialogueStatus.DRAFT: lambda: _("Dialogen är ett utkast igen."),
    DialogueStatus.PUBLISHED: lambda: _("Dialogen är publicerad."),
    DialogueStatus.LIVE: lambda: _("Mötet har startat."),
    DialogueStatus.CLOSED: lambda: _("Mötet är avslutat."),
    DialogueStatus.ARCHIVED: lambda: _("Dialogen är arkiverad och koden är frigjord."),
}


def _reraise_access(error: DomainError) -> None:
    # Missing and forbidden things get their error page; the rest is shown on the page.
    if error.status in (401, 403, 404):
        raise error


def _show_on_form(error: DomainError, form) -> None:
    """A refusal shown on the page being filled in: field errors next to their fields,
    anything else as a message; what was typed stays in the form."""
    _reraise_access(error)
    if isinstance(error, ValidationFailed):
        apply_errors(form, error)
    else:
        flash(error.message, "error")


# --- dialogues -----------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    dialogues = services.list_dialogues(current_user)
    return render_template("dialogues/index.html", dialogues=dialogues,
                           status_labels=STATUS_LABELS)


@bp.route("/ny", methods=["GET", "POST"])
@login_required
def new():
    form = DialogueForm(**services.dialogue_form_kwargs())
    if request.method == "GET":
        form.facilitator_ids.data = [current_user.id]
        return render_template("dialogues/form.html", form=form, dialogue=None)
    try:
        dialogue = services.create_dialogue(current_user, request.form)
    except ValidationFailed as error:
        apply_errors(form, error)
        return render_template("dialogues/form.html", form=form, dialogue=None), 400
    uow.commit()
    flash(_("Dialogen är skapad. Lägg nu till reflektioner och dagordning."), "success")
    return redirect(url_for("dialogues.detail", dialogue_id=dialogue.id))


@bp.get("/<int:dialogue_id>")
@login_required
def detail(dialogue_id: int):
    dialogue = services.get_dialogue(current_user, dialogue_id)
    next_status, refusal = services.next_step(dialogue)
    can_unpublish = (
        dialogue.status == DialogueStatus.PUBLISHED
        and DialogueStatus.DRAFT in services.allowed_transitions(dialogue)
    )
    return render_template(
        "dialogues/detail.html", dialogue=dialogue, status_labels=STATUS_LABELS,
        kind_labels=KIND_LABELS, next_status=next_status, refusal=refusal,
        step_buttons=STEP_BUTTONS, can_unpublish=can_unpublish, confirm=ConfirmForm(),
        planned=services.planned_minutes(dialogue), join_url=services.join_url(dialogue),
        has_summary="contributions.summary" in current_app.view_functions,
    )


@bp.route("/<int:dialogue_id>/redigera", methods=["GET", "POST"])
@login_required
def edit(dialogue_id: int):
    dialogue = services.get_dialogue(current_user, dialogue_id)
    kwargs = services.dialogue_form_kwargs(dialogue)
    if request.method == "GET":
        form = DialogueForm(data=services.dialogue_form_data(dialogue), **kwargs)
        return render_template("dialogues/form.html", form=form, dialogue=dialogue)
    form = DialogueForm(**kwargs)
    try:
        services.update_dialogue(current_user, dialogue_id, request.form)
    except DomainError as error:
        _show_on_form(error, form)
        return render_template("dialogues/form.html", form=form, dialogue=dialogue), 400
    uow.commit()
    flash(_("Ändringarna är sparade."), "success")
    return redirect(url_for("dialogues.detail", dialogue_id=dialogue_id))


@bp.post("/<int:dialogue_id>/status")
@login_required
def transition(dialogue_id: int):
    to_status = request.form.get("to_status", "")
    try:
        dialogue = services.transition(current_user, dialogue_id, to_status)
        uow.commit()
    except DomainError as error:
        _reraise_access(error)
        flash(error.message, "error")
    else:
        flash(TRANSITION_MESSAGES[dialogue.status](), "success")
    return redirect(url_for("dialogues.detail", dialogue_id=dialogue_id))


def _saved(save, form, refused, endpoint: str, dialogue_id: int, done):
    """A form posted for one of a dialogue's parts: saved by `save` and back to the list with
    `done(obj)`'s (message, anchor), or the form again (`refused()`) with the service's errors."""
    try:
        obj = save()
    except DomainError as error:
        _show_on_form(error, form)
        return refused()
    uow.commit()
    message, anchor = done(obj)
    flash(message, "success")
    return redirect(url_for(endpoint, dialogue_id=dialogue_id, _anchor=anchor))


def _changed(change, message: str, endpoint: str, dialogue_id: int, anchor: str | None = None):
    """A button that changes a dialogue's part (remove, move): the service's refusal is shown
    on the list it came from, as is the confirmation."""
    try:
        change()
    except DomainError as error:
        _reraise_access(error)
        flash(error.message, "error")
    else:
        uow.commit()
        flash(message, "success")
    return redirect(url_for(endpoint, dialogue_id=dialogue_id, _anchor=anchor))


# --- reflections ---------------------------------------------------------------------


@bp.get("/<int:dialogue_id>/reflektioner")
@login_required
def reflections(dialogue_id: int):
    dialogue = services.get_dialogue(current_user, dialogue_id)
    return render_template("dialogues/reflections.html", dialogue=dialogue,
                           confirm=ConfirmForm(), kind_labels=KIND_LABELS)


def _reflection_page(dialogue, form, reflection=None, status=200):
    origin = None
    if reflection is not None:
        origin = reflection.origin
    elif form.origin_id.data:
        origin = services.get_origin(current_user, dialogue.id, form.origin_id.data)
    earlier = services.earlier_reflections(current_user, dialogue.id) if reflection is None \
        else []
    return render_template("dialogues/reflection_form.html", dialogue=dialogue, form=form,
                           reflection=reflection, origin=origin, earlier=earlier), status


@bp.route("/<int:dialogue_id>/reflektioner/ny", methods=["GET", "POST"])
@login_required
def new_reflection(dialogue_id: int):
    dialogue = services.get_dialogue(current_user, dialogue_id)
    kwargs = services.reflection_form_kwargs(dialogue)
    if request.method == "GET":
        if request.args.get("fran"):
            data = services.reflection_copy_data(current_user, dialogue_id, request.args["fran"])
            return _reflection_page(dialogue, ReflectionForm(data=data, **kwargs))
        return _reflection_page(dialogue, ReflectionForm(**kwargs))
    form = ReflectionForm(**kwargs)
    return _saved(
        lambda: services.create_reflection(current_user, dialogue_id, request.form), form,
        lambda: _reflection_page(dialogue, form, status=400), "dialogues.reflections",
        dialogue_id, lambda r: (_("Reflektionen ”%(title)s” är tillagd.", title=r.title),
                                f"reflection-{r.id}"))


@bp.route("/<int:dialogue_id>/reflektioner/<int:reflection_id>", methods=["GET", "POST"])
@login_required
def edit_reflection(dialogue_id: int, reflection_id: int):
    reflection = services.get_reflection(current_user, dialogue_id, reflection_id)
    dialogue = reflection.dialogue
    kwargs = services.reflection_form_kwargs(dialogue)
    if request.method == "GET":
        form = ReflectionForm(data=services.reflection_form_data(reflection), **kwargs)
        return _reflection_page(dialogue, form, reflection)
    form = ReflectionForm(**kwargs)
    return _saved(
        lambda: services.update_reflection(current_user, dialogue_id, reflection_id,
                                           request.form), form,
        lambda: _reflection_page(dialogue, form, reflection, status=400),
        "dialogues.reflections", dialogue_id,
        lambda r: (_("Reflektionen är sparad."), f"reflection-{r.id}"))


@bp.post("/<int:dialogue_id>/reflektioner/<int:reflection_id>/ta-bort")
@login_required
def delete_reflection(dialogue_id: int, reflection_id: int):
    return _changed(lambda: services.delete_reflection(current_user, dialogue_id, reflection_id),
                    _("Reflektionen är borttagen."), "dialogues.reflections", dialogue_id)


@bp.post("/<int:dialogue_id>/reflektioner/<int:reflection_id>/flytta")
@login_required
def move_reflection(dialogue_id: int, reflection_id: int):
    direction = request.form.get("direction", "")
    return _changed(
        lambda: services.move_reflection(current_user, dialogue_id, reflection_id, direction),
        _("Reflektionen är flyttad upp.") if direction == "up"
        else _("Reflektionen är flyttad ned."), "dialogues.reflections", dialogue_id,
        f"reflection-{reflection_id}-{direction}")


@bp.get("/<int:dialogue_id>/forhandsvisning")
@login_required
def preview(dialogue_id: int):
    dialogue = services.get_dialogue(current_user, dialogue_id)
    return render_template("dialogues/preview.html", dialogue=dialogue)


# --- agenda --------------------------------------------------------------------------


@bp.get("/<int:dialogue_id>/dagordning")
@login_required
def agenda(dialogue_id: int):
    dialogue = services.get_dialogue(current_user, dialogue_id)
    return render_template("dialogues/agenda.html", dialogue=dialogue, confirm=ConfirmForm(),
                           planned=services.planned_minutes(dialogue))


def _agenda_page(dialogue, form, item=None, status=200):
    return render_template("dialogues/agenda_form.html", dialogue=dialogue, form=form,
                           item=item), status


@bp.route("/<int:dialogue_id>/dagordning/ny", methods=["GET", "POST"])
@login_required
def new_agenda_item(dialogue_id: int):
    dialogue = services.get_dialogue(current_user, dialogue_id)
    form = AgendaItemForm(**services.agenda_form_kwargs(dialogue))
    if request.method == "GET":
        return _agenda_page(dialogue, form)
    return _saved(
        lambda: services.create_agenda_item(current_user, dialogue_id, request.form), form,
        lambda: _agenda_page(dialogue, form, status=400), "dialogues.agenda", dialogue_id,
        lambda i: (_("Punkten ”%(title)s” är tillagd.", title=i.title), f"item-{i.id}"))


@bp.route("/<int:dialogue_id>/dagordning/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_agenda_item(dialogue_id: int, item_id: int):
    item = services.get_agenda_item(current_user, dialogue_id, item_id)
    dialogue = item.dialogue
    kwargs = services.agenda_form_kwargs(dialogue)
    if request.method == "GET":
        form = AgendaItemForm(data=services.agenda_item_form_data(item), **kwargs)
        return _agenda_page(dialogue, form, item)
    form = AgendaItemForm(**kwargs)
    return _saved(
        lambda: services.update_agenda_item(current_user, dialogue_id, item_id, request.form),
        form, lambda: _agenda_page(dialogue, form, item, status=400), "dialogues.agenda",
        dialogue_id, lambda i: (_("Punkten är sparad."), f"item-{i.id}"))


@bp.post("/<int:dialogue_id>/dagordning/<int:item_id>/ta-bort")
@login_required
def delete_agenda_item(dialogue_id: int, item_id: int):
    return _changed(lambda: services.delete_agenda_item(current_user, dialogue_id, item_id),
                    _("Punkten är borttagen från dagordningen."), "dialogues.agenda",
                    dialogue_id)


@bp.post("/<int:dialogue_id>/dagordning/<int:item_id>/flytta")
@login_required
def move_agenda_item(dialogue_id: int, item_id: int):
    direction = request.form.get("direction", "")
    return _changed(
        lambda: services.move_agenda_item(current_user, dialogue_id, item_id, direction),
        _("Punkten är flyttad upp.") if direction == "up" else _("Punkten är flyttad ned."),
        "dialogues.agenda", dialogue_id, f"item-{item_id}-{direction}")


# --- invitation ----------------------------------------------------------------------


@bp.get("/<int:dialogue_id>/inbjudan")
@login_required
def invitation(dialogue_id: int):
    dialogue = services.get_dialogue(current_user, dialogue_id)
    return render_template("dialogues/invitation.html", dialogue=dialogue,
                           join_url=services.join_url(dialogue))


@bp.get("/<int:dialogue_id>/qr.<any(svg, png):fmt>")
@login_required
def qr(dialogue_id: int, fmt: str):
    body, mimetype = services.qr_code(current_user, dialogue_id, fmt)
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
