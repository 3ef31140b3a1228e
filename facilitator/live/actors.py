"""Who is on the other end of a socket, re-checked against the database at every event."""

from dataclasses import dataclass

from flask_babel import gettext as _

from ..accounts.services import active_login_by_hash
from ..dialogues.access import managed_dialogue
from ..errors import NotAuthenticated, PermissionDenied
from ..extensions import db
from ..meetings.models import Meeting
from ..participants.models import Participant

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
PROJECTOR = "projector"


@dataclass
class Actor:
    kind: str
    dialogue_id: int
    user: object | None = None
    participant: object | None = None

    @property
    def key(self) -> str:
        """A stable id for rate limits and logs."""
        if self.participant is not None:
            return f"p{self.participant.id}"
        if self.user is not None:
            return f"u{self.user.id}"
        return f"projector{self.dialogue_id}"


def describe(actor: Actor) -> dict:
    """What the socket session keeps between events: ids and tokens, never objects."""
    data = {"kind": actor.kind, "dialogue_id": actor.dialogue_id}
    if actor.kind == FACILITATOR:
        data["login_hash"] = actor.user.login_session.token_hash
    elif actor.kind == PARTICIPANT:
        data["participant_id"] = actor.participant.id
    return data


def restore(data: dict | None, projector_hash: str | None = None) -> Actor:
    """Rebuild the actor from the socket session, refusing what is no longer valid."""
    if not data:
        raise NotAuthenticated(_("Anslutningen är inte inloggad. Ladda om sidan."))
    kind, dialogue_id = data.get("kind"), data.get("dialogue_id")
    if kind == FACILITATOR:
        login = active_login_by_hash(data.get("login_hash"))
        if login is None:
            raise NotAuthenticated(_("Du är utloggad. Logga in igen."))
        login.user.login_session = login
        return Actor(FACILITATOR, dialogue_id, user=login.user)
    if kind == PARTICIPANT:
        participant = db.session.get(Participant, data.get("participant_id"))
        if participant is None or participant.dialogue_id != dialogue_id:
            raise NotAuthenticated(_("Du är inte längre med i dialogen. Gå med igen."))
        return Actor(PARTICIPANT, dialogue_id, participant=participant)
    if kind == PROJECTOR:
        meeting = db.session.get(Meeting, dialogue_id)
        if meeting is None or meeting.projector_token_hash != data.get("projector_hash"):
            raise NotAuthenticated(_("Projektorlänken gäller inte längre."))
        return Actor(PROJECTOR, dialogue_id)
    raise NotAuthenticated(_("Anslutningen är inte inloggad. Ladda om sidan."))


def require_facilitator(actor: Actor):
    """The dialogue, if the actor is a facilitator who may manage it."""
    if actor.kind != FACILITATOR:
        raise PermissionDenied(_("Det här får bara dialogens samordnare göra."))
    return managed_dialogue(actor.user, actor.dialogue_id)


def require_participant(actor: Actor):
    if actor.kind != PARTICIPANT:
        raise PermissionDenied(_("Det här görs av deltagarna i mötet."))
    return actor.participant
