"""The split of one reflection on the projector, on the facilitator's request ("att prata om").

The figure is the insights feature's (`insights/consensus.py`, the small-group rule applied
there); here it is chosen, kept in the meeting (so a reloaded projector shows it again) and
told to the room as a `split` change.
"""

from flask_babel import gettext as _

from ..audit import services as audit
from ..core.payloads import validated
from ..dialogues.models import Dialogue
from ..errors import NotFound
from ..extensions import db
from ..insights import consensus
from ..meetings.models import Meeting
from . import broadcast
from .actors import Actor, require_facilitator
from .forms import SplitForm


def view(dialogue: Dialogue, reflection_id: int | None) -> dict | None:
    """What the projector draws for the reflection's split, or None: the groups of the axis
    that splits widest, among those the room may see (boards only where the dialogue shows
    results per board to the room)."""
    if not reflection_id:
        return None
    axes = consensus.AXES_ALL if dialogue.show_board_results else ("role",)
    figure = consensus.for_reflection(dialogue, reflection_id, axes)
    if figure is None:
        return None
    data = consensus.as_dict(figure)
    axis = figure.most.axis if figure.most else "role"
    return {"reflection_id": reflection_id, "title": data["title"], "phase": data["phase"],
            "n": data["n"], "axis": axis,
            "groups": [g for g in data["groups"] if g["axis"] == axis],
            "most": data["most"], "least": data["least"], "split": data["split"]}


def show(actor: Actor, payload) -> dict:
    """Show a reflection's split on the projector, or stop showing it (no reflection)."""
    dialogue = require_facilitator(actor)
    form = validated(SplitForm, payload)
    reflection_id = form.reflection_id.data or None
    if reflection_id and all(r.id != reflection_id for r in dialogue.reflections):
        raise NotFound(_("Reflektionen finns inte i den här dialogen."))
    meeting = db.session.get(Meeting, dialogue.id)
    if meeting is None:  # a meeting row is made by whatever the facilitator does first
        meeting = Meeting(dialogue_id=dialogue.id)
        db.session.add(meeting)
    meeting.split_reflection_id = reflection_id
    data = view(dialogue, reflection_id)
    audit.record("projector.split", dialogue=dialogue, user=actor.user,
                 reflection_id=reflection_id)
    broadcast.change(dialogue.id, "split", {"split": data})
    return {"split": data}
