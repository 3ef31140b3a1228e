"""Shared helpers for the live meeting's server tests: a meeting with two dialogues, their
participants and facilitators, each on its own HTTP client so cookies do not mix."""

from dataclasses import dataclass

import factories as make
from helpers_dialogues import make_dialogue, make_item, make_org, make_reflection
from werkzeug.security import generate_password_hash

from facilitator.accounts import services as accounts
from facilitator.accounts.models import User
from facilitator.core import uow
from facilitator.dialogues import services as dialogues
from facilitator.dialogues.models import Dialogue, DialogueStatus
from facilitator.extensions import db
from facilitator.live import ratelimits
from facilitator.participants import services as participants

PASSWORD = "ett-langt-testlosenord"


def ok(ack) -> dict:
    """The acknowledgement, asserting it is a success."""
    assert isinstance(ack, dict), ack
    assert ack.get("ok") is True, ack
    return ack


def refused(ack, *codes) -> dict:
    assert isinstance(ack, dict), ack
    assert ack.get("ok") is False, ack
    assert ack["error"] in codes, ack
    assert isinstance(ack.get("message"), str) and ack["message"], ack
    return ack


def events(sc, name: str) -> list:
    """The payloads of `name` events the socket received since last asked (others dropped)."""
    return [m["args"][0] for m in sc.get_received() if m["name"] == name]


def received(sc) -> list[tuple[str, dict]]:
    return [(m["name"], m["args"][0] if m["args"] else None) for m in sc.get_received()]


def get(model, id_):
    return db.session.get(model, id_)


@dataclass
class Meeting:
    """Ids only: socket handlers end the shared session, so objects are looked up when used."""

    app: object
    make_socket: object
    admin_id: int
    facilitator_id: int
    dialogue_id: int
    other_id: int
    reflection_ids: list
    item_ids: list
    other_reflection_id: int
    other_item_id: int
    org_id: int

    @property
    def dialogue(self):
        return get(Dialogue, self.dialogue_id)

    @property
    def other(self):
        return get(Dialogue, self.other_id)

    @property
    def admin(self):
        return get(User, self.admin_id)

    # -- people --------------------------------------------------------------------------

    def join(self, dialogue_id=None, role="socialsekreterare", board=True):
        """A new participant of a dialogue (default A); returns (participant id, token)."""
        dialogue = get(Dialogue, dialogue_id or self.dialogue_id)
        organization = str(self.org_id) if board else "none"
        participant, token = participants.join(dialogue, {"organization": organization,
                                                          "role": role})
        db.session.commit()  # the entry point commits
        return participant.id, token

    def phone(self, dialogue_id=None, token=None, role="socialsekreterare"):
        """A participant's socket with the dialogue's cookie on its own HTTP client."""
        dialogue_id = dialogue_id or self.dialogue_id
        participant_id = None
        if token is None:
            participant_id, token = self.join(dialogue_id, role=role)
        http = self.app.test_client()
        http.set_cookie(participants.cookie_name(get(Dialogue, dialogue_id)), token)
        sc = self.make_socket(http, auth={"dialogue": dialogue_id})
        sc.participant_id = participant_id
        sc.token = token
        sc.http = http
        if sc.is_connected():
            sc.get_received()
        return sc

    def login(self, email="fac@ivo.se"):
        http = self.app.test_client()
        response = http.post("/logga-in", data={"email": email, "password": PASSWORD})
        assert response.status_code in (302, 303), response.status_code
        return http

    def facilitator_socket(self, email="fac@ivo.se", dialogue_id=None, http=None):
        http = http or self.login(email)
        sc = self.make_socket(http, auth={"dialogue": dialogue_id or self.dialogue_id,
                                          "as": "facilitator"})
        sc.http = http
        if sc.is_connected():
            sc.get_received()
        return sc

    def projector_token(self, dialogue_id=None) -> str:
        from facilitator.live import services
        from facilitator.live.actors import FACILITATOR, Actor

        token = services.new_projector_link(
            Actor(FACILITATOR, dialogue_id or self.dialogue_id, user=self.admin))
        db.session.commit()  # the entry point commits
        return token

    def projector_socket(self, dialogue_id=None, token=None):
        token = token or self.projector_token(dialogue_id)
        sc = self.make_socket(self.app.test_client(), auth={"as": "projector", "token": token})
        sc.token = token
        if sc.is_connected():
            sc.get_received()
        return sc

    def set(self, dialogue_id=None, **values):
        """Change the dialogue's details as its edit form does (premoderation, title, ...)."""
        make.update_dialogue(self.admin, dialogue_id or self.dialogue_id, **values)
        db.session.commit()  # the entry point commits

    def go_live(self, dialogue_id=None):
        dialogues.transition(self.admin, dialogue_id or self.dialogue_id, DialogueStatus.LIVE)
        db.session.commit()  # the entry point commits


#: A cheap hash: these tests log in often, and scrypt is slow on purpose.
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def quick_user(email, name, is_admin=False) -> User:
    user = accounts.create_user(email, name, PASSWORD, is_admin=is_admin)
    # The service's hash is scrypt, slow on purpose; no service takes another, and these
    # tests log in often: the one field set after the service made the account.
    user.password_hash = _HASH
    uow.commit()  # the factory's one commit
    return user


def build_meeting(app, make_socket) -> Meeting:
    admin = quick_user("admin@ivo.se", "Ada Admin", is_admin=True)
    fac = quick_user("fac@ivo.se", "Fia Facilitator")
    quick_user("annan@ivo.se", "Olle Annan")
    org = make_org(admin)
    org2 = make_org(admin, name="Socialnämnden i Nyköping", short_name="Nyköping")
    dialogue = make_dialogue(admin, facilitator_ids=[fac.id], organization_ids=[org.id, org2.id],
                             premoderation=False)
    refl = [make_reflection(admin, dialogue, title=f"Reflektion {n}") for n in (1, 2)]
    items = [make_item(admin, dialogue, title=f"Punkt {n}", minutes=10) for n in (1, 2, 3)]
    dialogues.transition(admin, dialogue.id, DialogueStatus.PUBLISHED)
    db.session.commit()  # the entry point commits
    other = make_dialogue(admin, title="Återföringsdialog Stockholm",
                          organization_ids=[org.id], premoderation=False)
    other_reflection = make_reflection(admin, other, title="Annan reflektion")
    other_item = make_item(admin, other, title="Annan punkt")
    dialogues.transition(admin, other.id, DialogueStatus.PUBLISHED)
    db.session.commit()  # the entry point commits
    ratelimits.reset()
    return Meeting(app, make_socket, admin.id, fac.id, dialogue.id, other.id,
                   [r.id for r in refl], [i.id for i in items], other_reflection.id,
                   other_item.id, org.id)


def new_meeting(app, socket_client) -> Meeting:
    """For a test file's `meeting` fixture: tallies flushed by hand, limits reset."""
    app.config["LIVE_TALLY_MANUAL"] = True
    return build_meeting(app, lambda http, **kw: socket_client(http, **kw))
