"""What reflections and the agenda share: they are changed only before the meeting closes,
moved one step at a time, and once published the screens are told to redraw them."""

from flask_babel import gettext as _

from ..core import signals
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from .access import managed_dialogue
from .models import Dialogue, DialogueStatus


def require_preparable(dialogue: Dialogue) -> None:
    if dialogue.status in (DialogueStatus.CLOSED, DialogueStatus.ARCHIVED):
        raise Conflict(_("Dialogen är avslutad. Reflektioner och dagordning kan inte längre "
                         "ändras."))


def renumber(items) -> None:
    for index, item in enumerate(items):
        item.position = index


def _move(items: list, item, direction: str) -> None:
    if direction not in ("up", "down"):
        message = _("Ange riktningen upp eller ned.")
        raise ValidationFailed(message, errors={"direction": [message]})
    ordered = sorted(items, key=lambda i: (i.position, i.id))
    index = ordered.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    renumber(ordered)


def move_part(actor, dialogue_id, find, parts: str, part_id, direction: str):
    """Move one of the dialogue's reflections or agenda items (`parts`) one step."""
    dialogue = managed_dialogue(actor, dialogue_id)
    part = find(dialogue, part_id)
    require_preparable(dialogue)
    _move(getattr(dialogue, parts), part, direction)
    content_changed(dialogue)
    db.session.expire(dialogue, [parts])  # read again in the new order
    return part


def content_changed(dialogue: Dialogue) -> None:
    """Flush a change to reflections or agenda; once published, screens are told to refresh
    (after the entry point's commit)."""
    if dialogue.status != DialogueStatus.DRAFT:
        signals.dialogue_content_changed.send(dialogue)  # told after the commit
    db.session.flush()
