"""A dialogue's life cycle: draft, published, live meeting, closed, archived, one step at a
time. A step with side effects has one owner (`STEP_OWNERS`, closing the meeting: `minutes`),
and other features add their checks to a step (`STEP_GUARDS`); every door (the status form,
the API, the console) goes through `transition`."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit import services as audit
from ..core import signals
from ..core.clock import utcnow
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from .access import managed_dialogue
from .models import Dialogue, DialogueStatus

#: The life cycle, in order; each step is only taken from the one before it.
LIFECYCLE = [
    DialogueStatus.DRAFT,
    DialogueStatus.PUBLISHED,
    DialogueStatus.LIVE,
    DialogueStatus.CLOSED,
    DialogueStatus.ARCHIVED,
]


#: The column set when a dialogue reaches a status, and the audit verb.
_REACHED = {
    DialogueStatus.PUBLISHED: ("published_at", "dialogue.published"),
    DialogueStatus.LIVE: ("started_at", "dialogue.started"),
    DialogueStatus.CLOSED: ("closed_at", "dialogue.closed"),
    DialogueStatus.ARCHIVED: ("archived_at", "dialogue.archived"),
}


def meetings_live() -> int:
    """How many dialogues' meetings are running (a figure for the metrics)."""
    return db.session.scalar(
        select(func.count()).select_from(Dialogue).where(Dialogue.status == DialogueStatus.LIVE))


#: Checks another feature adds to a step (it registers here in its `init_app`):
#: `(from, to) -> [callable(dialogue) -> refusal or None]`, e.g. participants refuse to make a
#: dialogue a draft again once someone has joined it.
STEP_GUARDS: dict = {}


def guard_step(before: DialogueStatus, to: DialogueStatus, check) -> None:
    """Add `check(dialogue)` to the step `before -> to` (once, however many apps register)."""
    checks = STEP_GUARDS.setdefault((before, to), [])
    if check not in checks:
        checks.append(check)


def _refusal(dialogue: Dialogue, to: DialogueStatus) -> str | None:
    """Why `dialogue` cannot go to `to` now, or None if it can."""
    current = dialogue.status
    if to == current:
        return _("Dialogen har redan den statusen.")
    for check in STEP_GUARDS.get((current, to), ()):
        refusal = check(dialogue)
        if refusal:
            return refusal
    if current == DialogueStatus.PUBLISHED and to == DialogueStatus.DRAFT:
        return None
    if LIFECYCLE.index(to) != LIFECYCLE.index(current) + 1:
        return _("Det steget går inte att ta härifrån. Dialogen går i ordningen "
                 "utkast, publicerad, pågående möte, avslutad, arkiverad, ett steg i taget.")
    if to == DialogueStatus.PUBLISHED and not dialogue.reflections:
        return _("Lägg till minst en reflektion innan du publicerar dialogen.")
    return None


def allowed_transitions(dialogue: Dialogue) -> list[DialogueStatus]:
    """The statuses the dialogue can go to now (for the page's buttons)."""
    return [s for s in LIFECYCLE if s != dialogue.status and _refusal(dialogue, s) is None]


def next_step(dialogue: Dialogue) -> tuple[DialogueStatus | None, str | None]:
    """The next status forward and, if it is refused now, why."""
    index = LIFECYCLE.index(dialogue.status)
    if index + 1 >= len(LIFECYCLE):
        return None, None
    to = LIFECYCLE[index + 1]
    return to, _refusal(dialogue, to)


#: Lifecycle steps with side effects, each taken only by the feature that owns it (it
#: registers here in its `init_app`): `status -> callable(actor, dialogue_id)`. `transition`
#: hands such a step to its owner, so every door (the status form, the API, the console) takes
#: the same path; without an owner the step is refused.
STEP_OWNERS: dict = {}


#: Steps that cannot be taken by the plain status change below.
OWNED_STEPS = (DialogueStatus.CLOSED,)


def transition(actor, dialogue_id, to_status) -> Dialogue:
    """Move the dialogue to `to_status`, one step at a time; Conflict says why not. A step
    with side effects (closing the meeting) is taken by its owner (`STEP_OWNERS`). Flushes;
    the caller commits, and the room hears of it after the commit."""
    dialogue = managed_dialogue(actor, dialogue_id)
    try:
        to = DialogueStatus(to_status)
    except ValueError:
        message = _(
            "Okänd status. Välj utkast, publicerad, pågående möte, avslutad eller arkiverad."
        )
        raise ValidationFailed(message, errors={"to_status": [message]}) from None
    refusal = _refusal(dialogue, to)
    if refusal:
        raise Conflict(refusal)
    if to in OWNED_STEPS:
        owner = STEP_OWNERS.get(to)
        if owner is None:
            raise Conflict(_("Det steget går inte att ta här."))
        owner(actor, dialogue.id)
        return dialogue
    take_step(actor, dialogue, to)
    db.session.flush()
    return dialogue


def take_step(actor, dialogue: Dialogue, to: DialogueStatus) -> None:
    """Set the status, its time and the audit entry in the caller's transaction, for a step
    already checked (by `transition`, or by the owner of a step with side effects), and
    announce it (`signals.dialogue_status_changed`: the room is told after the commit)."""
    before = dialogue.status
    dialogue.status = to
    details = {"from": before.value, "to": to.value}
    if to == DialogueStatus.DRAFT:
        dialogue.published_at = None
        action = "dialogue.unpublished"
    else:
        column, action = _REACHED[to]
        setattr(dialogue, column, utcnow())
    if to == DialogueStatus.ARCHIVED:
        # Archiving frees the code for another dialogue.
        details["join_code"] = dialogue.join_code
        dialogue.join_code = None
    audit.record(action, dialogue=dialogue, user=actor, subject=dialogue, **details)
    signals.dialogue_status_changed.send(dialogue, status=to)
