"""Joining a dialogue without an account, the participant's cookie, pseudonymous names."""

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..core.clock import utcnow
from ..core.payloads import validated
from ..core.tokens import hash_token, new_token
from ..dialogues import codes
from ..dialogues.models import (
    Dialogue,
    DialogueStatus,
    ParticipationMode,
    dialogue_organizations,
)
from ..errors import Conflict, Gone, NotFound
from ..extensions import db
from ..organizations.models import Organization
from ..privacy import contains_personal_number
from .forms import NO_BOARD, ProfileForm
from .models import Participant, Role
from .names import (  # noqa: F401  (names.py is their home; callers import them from here too)
    display_name,
    display_name_of,
    display_names,
    role_label,
)

#: Statuses in which people can join and take part.
JOINABLE = (DialogueStatus.PUBLISHED, DialogueStatus.LIVE)
#: How long the phone's cookie lasts: the preparation can take weeks.
COOKIE_MAX_AGE = 90 * 24 * 3600
#: last_seen_at is written at most this often, so reading pages does not write every time.
SEEN_EVERY = timedelta(minutes=5)


def cookie_name(dialogue: Dialogue) -> str:
    """One cookie per dialogue: a token for one dialogue says nothing about another."""
    return cookie_name_for(dialogue.id)


def cookie_name_for(dialogue_id: int) -> str:
    return f"deltagare_{dialogue_id}"


# --- finding the dialogue ------------------------------------------------------------


def joinable_dialogue(code: str | None) -> Dialogue:
    """The dialogue with this code if people can join it now, else a clear Swedish error.

    NotFound (404) for codes that match nothing: only those count against the rate limit.
    """
    dialogue = codes.find_by_code(code)
    _refuse_unless_joinable(dialogue.status if dialogue is not None else None)
    return dialogue


def _refuse_unless_joinable(status: DialogueStatus | None) -> None:
    if status is None:
        raise NotFound(
            _("Det finns ingen dialog med den koden. Kontrollera koden och försök igen.")
        )
    if status == DialogueStatus.DRAFT:
        raise Conflict(
            _("Dialogen är inte öppnad för deltagare än. Försök igen när IVO har publicerat den.")
        )
    if status == DialogueStatus.CLOSED:
        raise Gone(_("Mötet är avslutat och tar inte emot deltagare längre."))
    if status not in JOINABLE:
        raise Gone(_("Dialogen är arkiverad och går inte att delta i längre."))


@dataclass(frozen=True)
class Board:
    id: int
    short_name: str


@dataclass(frozen=True)
class JoinDialogue:
    """What the join page and the profile form need of a dialogue, read in one statement:
    a plain value, so the same one renders the same cached page (`routes._fresh_body`)."""

    id: int
    title: str
    status: DialogueStatus
    join_code: str
    participation_mode: ParticipationMode
    organizations: tuple[Board, ...]


@lru_cache(maxsize=1)
def _join_query():
    """Built once: the dialogue with its boards, one row per board."""
    link = dialogue_organizations
    return (
        select(Dialogue.id, Dialogue.title, Dialogue.status, Dialogue.join_code,
               Dialogue.participation_mode, Organization.id, Organization.short_name)
        .select_from(Dialogue)
        .outerjoin(link, link.c.dialogue_id == Dialogue.id)
        .outerjoin(Organization, Organization.id == link.c.organization_id)
        .where(Dialogue.join_code == bindparam("code"))
        .order_by(Organization.short_name)
    )


def join_dialogue(code: str | None) -> JoinDialogue:
    """As `joinable_dialogue`, for the join page and the profile form: one statement read
    through SQLAlchemy Core (no ORM objects), always current, so a dialogue closed,
    archived or given other boards a moment ago is refused or shown as it is now."""
    code = codes.normalize(code)
    rows = []
    if codes.is_well_formed(code):
        rows = db.session.connection().execute(_join_query(), {"code": code}).all()
    _refuse_unless_joinable(rows[0][2] if rows else None)
    first = rows[0]
    return JoinDialogue(
        id=first[0], title=first[1], status=first[2], join_code=first[3],
        participation_mode=first[4],
        organizations=tuple(Board(r[5], r[6]) for r in rows if r[5] is not None),
    )


def participant_from_token(dialogue: Dialogue, token: str | None) -> Participant | None:
    """The participant of this dialogue that the token belongs to, or None."""
    return participant_by_token(dialogue.id, token)


def participant_by_token(dialogue_id: int, token: str | None) -> Participant | None:
    """As `participant_from_token`, by the dialogue's id: a socket's connect need not read
    the dialogue (no participant belongs to a dialogue that does not exist)."""
    if not token or len(token) > 200:
        return None
    participant = db.session.scalar(
        select(Participant).where(
            Participant.dialogue_id == dialogue_id, Participant.token_hash == hash_token(token)
        )
    )
    if participant is not None and utcnow() - participant.last_seen_at > SEEN_EVERY:
        participant.last_seen_at = utcnow()  # stored by the entry point's commit
    return participant


@lru_cache(maxsize=1)
def _by_token_query():
    table = Participant.__table__
    return select(table.c.id, table.c.organization_id, table.c.role, table.c.last_seen_at) \
        .where(table.c.dialogue_id == bindparam("dialogue_id"),
               table.c.token_hash == bindparam("token_hash"))


def participant_row_by_token(dialogue_id: int, token: str | None):
    """As `participant_by_token`, as a row (id, organization_id, role, last_seen_at) read with
    SQLAlchemy Core: a socket's connect needs these, not an object."""
    if not token or len(token) > 200:
        return None
    connection = db.session.connection()
    row = connection.execute(_by_token_query(), {"dialogue_id": dialogue_id,
                                                 "token_hash": hash_token(token)}).first()
    if row is not None and utcnow() - row.last_seen_at > SEEN_EVERY:
        table = Participant.__table__
        connection.execute(update(table).where(table.c.id == row.id)
                           .values(last_seen_at=utcnow()))  # stored by the connect's commit
    return row


def visit(code: str | None, cookies) -> tuple[Dialogue, Participant | None]:
    """A participant's page visit: the joinable dialogue and who they are, if they joined.

    `cookies` is the request's cookies; only this dialogue's cookie is looked at.
    """
    dialogue = joinable_dialogue(code)
    return dialogue, participant_from_token(dialogue, cookies.get(cookie_name(dialogue)))


def join_visit(code: str | None, cookies) -> tuple[JoinDialogue, Participant | None]:
    """As `visit`, for the join page and the profile form (`join_dialogue`); a phone without
    this dialogue's cookie costs no look-up of a participant."""
    dialogue = join_dialogue(code)
    return dialogue, participant_from_token(dialogue, cookies.get(cookie_name(dialogue)))


# --- joining and the profile ---------------------------------------------------------


def profile_form_kwargs(dialogue: Dialogue) -> dict:
    return {"organizations": dialogue.organizations}


def _profile(dialogue, payload) -> dict:
    """The validated profile as column values."""
    form = validated(ProfileForm, payload, **profile_form_kwargs(dialogue))
    org_value = form.organization.data
    named = dialogue.participation_mode == ParticipationMode.NAMED and form.name.data
    return {
        "organization_id": None if org_value == NO_BOARD else int(org_value),
        "role": Role(form.role.data),
        "name": form.name.data if named else None,
        "name_flagged": contains_personal_number(form.name.data) if named else False,
    }


def _apply_profile(participant: Participant, dialogue, payload) -> None:
    for key, value in _profile(dialogue, payload).items():
        setattr(participant, key, value)


def enter(dialogue, payload, existing_token: str | None = None) -> tuple[int, str, bool]:
    """Join `dialogue` (a `Dialogue` or a `JoinDialogue`) with board, role and optional
    name; no account. Returns the participant's id, the token for the phone's cookie and
    whether they are new. A new participant is one INSERT; with a valid `existing_token` the
    same participant is kept (and their profile updated)."""
    if dialogue.status not in JOINABLE:
        _refuse_unless_joinable(dialogue.status)
    existing = participant_from_token(dialogue, existing_token)
    if existing is not None:
        pid = existing.id
        update_profile(existing, payload)
        return pid, existing_token, False
    values = _profile(dialogue, payload)
    for _attempt in range(3):
        token = new_token()
        now = utcnow()
        try:
            pid = db.session.connection().execute(_insert_participant(), {
                "dialogue_id": dialogue.id, "token_hash": hash_token(token), "created_at": now,
                "last_seen_at": now, **values}).scalar_one()
        except IntegrityError:  # pragma: no cover - a 256-bit collision
            db.session.rollback()
            continue
        return pid, token, True
    raise Conflict(_("Det gick inte att gå med just nu. Försök igen."))  # pragma: no cover


@lru_cache(maxsize=1)
def _insert_participant():
    """The INSERT of a new participant, built once (SQLAlchemy Core)."""
    table = Participant.__table__
    return insert(table).returning(table.c.id)


def join(dialogue, payload, existing_token: str | None = None) -> tuple[Participant, str]:
    """As `enter`, with the participant itself."""
    pid, token, _new = enter(dialogue, payload, existing_token)
    return db.session.get(Participant, pid), token


def update_profile(participant: Participant, payload) -> Participant:
    """Change board, role and name; allowed until the meeting starts."""
    dialogue = participant.dialogue
    if dialogue.status != DialogueStatus.PUBLISHED:
        raise Conflict(
            _("Mötet har börjat, så nämnd, roll och namn kan inte ändras längre. "
              "Säg till samordnaren om något blev fel.")
        )
    _apply_profile(participant, dialogue, payload)
    db.session.flush()
    return participant


def can_change_profile(participant: Participant) -> bool:
    return participant.dialogue.status == DialogueStatus.PUBLISHED


def fresh_profile_values(dialogue: Dialogue) -> dict | None:
    """A new participant's starting values: the board already chosen when there is only one
    (one tap less on the phone; "Ingen nämnd / IVO" is still there to pick)."""
    boards = dialogue.organizations
    return {"organization": str(boards[0].id)} if len(boards) == 1 else None


def profile_values(participant: Participant) -> dict:
    """The participant's profile as form data, to prefill the form."""
    return {
        "organization": str(participant.organization_id) if participant.organization_id
        else NO_BOARD,
        "role": participant.role.value,
        "name": participant.name or "",
    }


def participant_count(dialogue_id: int) -> int:
    """How many have joined the dialogue."""
    return db.session.scalar(
        select(func.count()).select_from(Participant)
        .where(Participant.dialogue_id == dialogue_id)
    ) or 0


def refuse_draft_after_join(dialogue: Dialogue) -> str | None:
    """A published dialogue someone has joined cannot become a draft again (a guard on that
    step, registered with the dialogue's lifecycle)."""
    if participant_count(dialogue.id):
        return _("Dialogen kan inte bli ett utkast igen: deltagare har redan gått med.")
    return None
