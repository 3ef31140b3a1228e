"""A dialogue's agenda: its items in order, each with the reflections it takes up."""

from flask_babel import gettext as _

from ..core.payloads import validated
from ..errors import NotFound
from ..extensions import db
from .access import managed_dialogue
from .forms import AgendaItemForm
from .models import AgendaItem, Dialogue
from .parts import content_changed, move_part, renumber, require_preparable


def _agenda_item(dialogue: Dialogue, item_id) -> AgendaItem:
    for item in dialogue.agenda_items:
        if str(item.id) == str(item_id):
            return item
    raise NotFound(_("Punkten finns inte på den här dialogens dagordning."))


def agenda_form_kwargs(dialogue: Dialogue) -> dict:
    return {"reflection_choices": [(r.id, r.title) for r in dialogue.reflections]}


def _apply_agenda_item(dialogue: Dialogue, item: AgendaItem, form: AgendaItemForm) -> None:
    item.title = form.title.data.strip()
    item.description = (form.description.data or "").strip()
    item.planned_minutes = form.planned_minutes.data
    chosen = set(form.reflection_ids.data or [])
    item.reflections = [r for r in dialogue.reflections if r.id in chosen]


def create_agenda_item(actor, dialogue_id, payload) -> AgendaItem:
    """A new agenda item, last in order."""
    dialogue = managed_dialogue(actor, dialogue_id)
    require_preparable(dialogue)
    form = validated(AgendaItemForm, payload, **agenda_form_kwargs(dialogue))
    item = AgendaItem(dialogue=dialogue,
                      position=max((i.position for i in dialogue.agenda_items), default=-1) + 1)
    _apply_agenda_item(dialogue, item, form)
    db.session.add(item)
    content_changed(dialogue)
    return item


def update_agenda_item(actor, dialogue_id, item_id, payload) -> AgendaItem:
    dialogue = managed_dialogue(actor, dialogue_id)
    item = _agenda_item(dialogue, item_id)
    require_preparable(dialogue)
    form = validated(AgendaItemForm, payload, **agenda_form_kwargs(dialogue))
    _apply_agenda_item(dialogue, item, form)
    content_changed(dialogue)
    return item


def delete_agenda_item(actor, dialogue_id, item_id) -> None:
    dialogue = managed_dialogue(actor, dialogue_id)
    item = _agenda_item(dialogue, item_id)
    require_preparable(dialogue)
    dialogue.agenda_items.remove(item)
    renumber(dialogue.agenda_items)
    content_changed(dialogue)


def move_agenda_item(actor, dialogue_id, item_id, direction) -> AgendaItem:
    """Move an agenda item one step "up" or "down"."""
    return move_part(actor, dialogue_id, _agenda_item, "agenda_items", item_id, direction)


def agenda_item_form_data(item: AgendaItem) -> dict:
    return {
        "title": item.title, "description": item.description,
        "planned_minutes": item.planned_minutes,
        "reflection_ids": [r.id for r in item.reflections],
    }


def get_agenda_item(actor, dialogue_id, item_id) -> AgendaItem:
    """One agenda item of a dialogue `actor` manages."""
    return _agenda_item(managed_dialogue(actor, dialogue_id), item_id)


def list_agenda_items(actor, dialogue_id) -> list[AgendaItem]:
    """The agenda of a dialogue `actor` manages, in order."""
    return list(managed_dialogue(actor, dialogue_id).agenda_items)
