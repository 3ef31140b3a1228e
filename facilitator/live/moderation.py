"""Moderation: approve, hide, mark answered, pin, merge or fix a typo.

`moderate` looks the action up in `ACTIONS` (action -> handler); a handler changes the item
(and says what the audit entry and the room must carry in its `Moderation`). Whatever the
action, the entry is audited, the item is announced again, withdrawn from the room when it is
no longer public, all in the event's one transaction."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..contributions.models import Contribution, ContributionStatus, Vote
from ..core import uow
from ..core.payloads import validated
from ..dialogues.models import Dialogue
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..privacy.personnummer import find_personal_numbers
from . import tallies
from .actors import Actor, require_facilitator
from .announcements import announce_contribution, is_public, withdraw
from .forms import MODERATION_ACTIONS, ModerateForm
from .participation import question_in


@dataclass
class Moderation:
    """One moderation action under way."""

    dialogue: Dialogue
    form: ModerateForm
    item: Contribution
    #: What the audit entry carries besides the action.
    details: dict = field(default_factory=dict)
    #: Other items let go by this one being pinned (the room must see them unpinned).
    unpinned: list[Contribution] = field(default_factory=list)


def _approve(m: Moderation) -> None:
    if m.item.personal_data_flag:
        raise Conflict(_("Texten kan innehålla ett personnummer. Redigera bort det innan "
                         "du godkänner."))
    m.item.status = ContributionStatus.APPROVED


def _hide(m: Moderation) -> None:
    m.item.status = ContributionStatus.HIDDEN
    m.item.pinned = False


def _answer(m: Moderation) -> None:
    m.item.answered = True


def _unanswer(m: Moderation) -> None:
    m.item.answered = False


def _pin(m: Moderation) -> None:
    """Only one item is pinned at a time: the one pinned before is let go."""
    if not is_public(m.item):
        raise Conflict(_("Bara godkända inlägg kan fästas."))
    for other in db.session.scalars(select(Contribution).where(
            Contribution.dialogue_id == m.dialogue.id, Contribution.pinned.is_(True))):
        if other.id != m.item.id:
            m.unpinned.append(other)
        other.pinned = False
    m.item.pinned = True


def _unpin(m: Moderation) -> None:
    m.item.pinned = False


def _merge(m: Moderation) -> None:
    target = question_in(m.dialogue.id, m.form.into_id.data)
    if target.id == m.item.id or target.merged_into_id is not None:
        raise ValidationFailed(_("Välj en annan fråga att slå ihop med."))
    _merge_votes(m.item, target)
    m.item.merged_into_id = target.id
    m.item.pinned = False
    m.details["into"] = target.id


def _edit(m: Moderation) -> None:
    text = (m.form.text.data or "").strip()
    if not text:
        raise ValidationFailed(_("Texten får inte vara tom."), errors={"text": [_("Tom.")]})
    m.details.update(before=m.item.text, after=text)
    m.item.text = text
    m.item.personal_data_flag = bool(find_personal_numbers(text))


#: Each moderation action and its handler; the form offers exactly these.
ACTIONS = {
    "approve": _approve,
    "hide": _hide,
    "answer": _answer,
    "unanswer": _unanswer,
    "pin": _pin,
    "unpin": _unpin,
    "merge": _merge,
    "edit": _edit,
}
assert set(ACTIONS) == set(MODERATION_ACTIONS), "the form and the handlers name other actions"


def moderate(actor: Actor, payload) -> dict:
    """Approve, hide, mark answered, pin, merge or fix a typo; every action is audited."""
    dialogue = require_facilitator(actor)
    form = validated(ModerateForm, payload)
    item = question_in(dialogue.id, form.id.data)
    action = form.action.data
    was_public = is_public(item)
    m = Moderation(dialogue, form, item)
    ACTIONS[action](m)
    audit.record(f"contribution.{action}", dialogue=dialogue, user=actor.user, subject=item,
                 **m.details)
    db.session.flush()
    # The change and its announcements in one transaction, one seq each.
    announce_contribution(item, created=False)
    for other in m.unpinned:  # only one pinned item: everyone must see the old one let go
        announce_contribution(other, created=False)
    if was_public and not is_public(item):
        withdraw(item)
    if action == "merge":
        uow.record(tallies.mark_votes, dialogue.id, item.merged_into_id)
    return {"id": item.id, "action": action}


def _merge_votes(source: Contribution, target: Contribution) -> None:
    voters = set(db.session.scalars(
        select(Vote.participant_id).where(Vote.contribution_id == target.id)))
    if source.participant_id:
        voters.add(source.participant_id)  # the asker of the duplicate counts as a vote
        if target.participant_id != source.participant_id and source.participant_id not in \
                set(db.session.scalars(select(Vote.participant_id)
                                       .where(Vote.contribution_id == target.id))):
            db.session.add(Vote(contribution_id=target.id, participant_id=source.participant_id))
    for v in list(db.session.scalars(select(Vote).where(Vote.contribution_id == source.id))):
        if v.participant_id in voters:
            db.session.delete(v)
        else:
            v.contribution_id = target.id
            voters.add(v.participant_id)
