"""Who is on the other end of a socket, re-checked against the database at every event."""

from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from ..accounts.services import active_login_by_hash
from ..dialogues.access import managed_dialogue
from ..errors import NotAuthenticated, PermissionDenied
from ..extensions import db
from ..meetings.models import Meeting
from ..participants.models import Participant

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
PROJECTOR = "projector"


class Actor:
    """A phone's actor carries its participant's id; the participant itself is read only
    when an operation asks for it (`participant`): a vote or a snapshot needs the id."""

    def __init__(self, kind: str, dialogue_id: int, user=None, participant=None,
                 participant_id: int | None = None):
        self.kind, self.dialogue_id, self.user = kind, dialogue_id, user
        self._participant = participant
        if participant_id is None and participant is not None:
            participant_id = participant.id
        self.participant_id = participant_id

    def __repr__(self) -> str:
        return f"Actor({self.kind!r}, {self.dialogue_id!r}, participant_id={self.participant_id})"

    @property
    def participant(self):
        if self._participant is None and self.participant_id is not None:
            self._participant = db.session.get(Participant, self.participant_id)
        return self._participant

    @property
    def key(self) -> str:
        """A stable id for rate limits and logs."""
        if self.participant_id is not None:
            return f"p{self.participant_id}"
        if self.user is not None:
            return f"u{self.user.id}"
        return f"projector{self.dialogue_id}"


def describe(actor: Actor) -> dict:
    """What the socket session keeps between events: ids and tokens, never objects."""
    data = {"kind": actor.kind, "dialogue_id": actor.dialogue_id}
    if actor.kind == FACILITATOR:
        data["login_hash"] = actor.user.login_session.token_hash
    elif actor.kind == PARTICIPANT:
        data["participant_id"] = actor.participant_id
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
        # Still there (a facilitator may have removed them)? One Core statement, no object.
        pid = data.get("participant_id")
        found = db.session.connection().execute(_participant_dialogue(), {"pid": pid}).scalar() \
            if isinstance(pid, int) else None
        if found is None or found != dialogue_id:
            raise NotAuthenticated(_("Du är inte längre med i dialogen. Gå med igen."))
        return Actor(PARTICIPANT, dialogue_id, participant_id=pid)
    if kind == PROJECTOR:
        meeting = db.session.get(Meeting, dialogue_id)
        if meeting is None or meeting.projector_token_hash != data.get("projector_hash"):
            raise NotAuthenticated(_("Projektorlänken gäller inte längre."))
        return Actor(PROJECTOR, dialogue_id)
    raise NotAuthenticated(_("Anslutningen är inte inloggad. Ladda om sidan."))


@lru_cache(maxsize=1)
def _participant_dialogue():
    table = Participant.__table__
    return select(table.c.dialogue_id).where(table.c.id == bindparam("pid"))


def require_facilitator(actor: Actor):
    """The dialogue, if the actor is a facilitator who may manage it."""
    if actor.kind != FACILITATOR:
        raise PermissionDenied(_("Det här får bara dialogens samordnare göra."))
    return managed_dialogue(actor.user, actor.dialogue_id)


def require_participant(actor: Actor):
    return actor.participant if require_participant_id(actor) else None


def require_participant_id(actor: Actor) -> int:
    """As `require_participant`, the id only (checked at `restore`): nothing is read."""
    if actor.kind != PARTICIPANT:
        raise PermissionDenied(_("Det här görs av deltagarna i mötet."))
    return actor.participant_id
