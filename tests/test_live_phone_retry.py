"""The phone's outbox retries for the person: a submission whose acknowledgement never came,
or came back `busy`, stays in the outbox and is sent again by itself with the same client id;
the phone shows "Skickas…" meanwhile, and the item is stored exactly once. Real Chromium
against the real server; the browser's WebSocket is routed through the test so that it can
lose one answer, or answer `busy` in the server's place."""

import json
import re
import time
import uuid

import pytest
from helpers_dialogues import make_dialogue, make_org, make_reflection
from playwright.sync_api import expect
from sqlalchemy import func, select

from facilitator import create_app
from facilitator.accounts.models import User
from facilitator.contributions.models import Contribution
from facilitator.dialogues import services as dialogue_services
from facilitator.extensions import db

SUBMIT = re.compile(r'^42(\d+)\["submit",(.*)\]$', re.S)
ACK = re.compile(r"^43(\d+)\[(.*)\]$", re.S)


@pytest.fixture(scope="module")
def meeting(live_server):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": live_server.database_url,
                                 "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == live_server.email))
        suffix = uuid.uuid4().hex[:6]
        org = make_org(user, name=f"Socialnämnden i Flen {suffix}", short_name=f"Flen{suffix}")
        dialogue = make_dialogue(user, title="Återföringsdialog Flen",
                                 organization_ids=[str(org.id)], premoderation=True)
        make_reflection(user, dialogue, title="Förhandsbedömningar dröjer")
        dialogue_services.transition(user, dialogue.id, "published")
        db.session.commit()  # the entry point commits
        info = {"id": dialogue.id, "code": dialogue.join_code, "board": org.short_name}

    def rows(text: str) -> list[str]:
        """The client ids stored with `text`."""
        with app.app_context():
            return list(db.session.scalars(select(Contribution.client_id)
                                           .where(Contribution.text == text)))

    def total() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(Contribution)
                                     .where(Contribution.dialogue_id == info["id"]))

    info.update(rows=rows, total=total)
    return info


class Wire:
    """The phone's WebSocket, passed through; `lose_answer` drops the server's first answer
    to a submit, `answer_busy` answers the first submit `busy` and never passes it on."""

    def __init__(self, page, mode: str):
        self.mode = mode
        self.submits: list[dict] = []  # every submit the phone sent, in order
        self.tampered: int | None = None  # the ack id of the submit that was interfered with
        page.route_web_socket(re.compile(r".*/socket\.io/.*"), self._route)

    def _route(self, ws):
        server = ws.connect_to_server()

        def from_page(message):
            match = SUBMIT.match(message) if isinstance(message, str) else None
            if match:
                self.submits.append(json.loads(match.group(2)))
                if self.mode == "answer_busy" and self.tampered is None:
                    self.tampered = int(match.group(1))
                    ws.send(f'43{self.tampered}[{{"ok":false,"error":"busy",'
                            f'"message":"Det är många som skickar just nu."}}]')
                    return
                if self.mode == "lose_answer" and self.tampered is None:
                    self.tampered = int(match.group(1))
            server.send(message)

        def from_server(message):
            match = ACK.match(message) if isinstance(message, str) else None
            if match and self.mode == "lose_answer" and int(match.group(1)) == self.tampered \
                    and not getattr(self, "lost", False):
                self.lost = True  # the server stored it and answered; the phone never hears
                return
            ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)


def _join(page, live_server, meeting):
    page.goto(f"{live_server.url}/m/{meeting['code']}")
    page.get_by_label("Nämnd").select_option(label=meeting["board"])
    page.get_by_label("Socialsekreterare").check()
    page.get_by_role("button", name="Gå med").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/m/{meeting['code']}/mote")
    expect(page.locator("#phone-status")).to_have_attribute("data-state", "connected")


def _ask(page, text):
    page.get_by_label("Din fråga").fill(text)
    page.get_by_role("button", name="Skicka fråga").click()


@pytest.mark.parametrize("mode", ["lose_answer", "answer_busy"])
def test_a_submission_without_an_ok_is_sent_again_and_stored_once(live_server, meeting, phone,
                                                                  mode):
    wire = Wire(phone, mode)
    _join(phone, live_server, meeting)
    text = f"Hur räknar ni handläggningstiden? ({mode})"
    before = meeting["total"]()
    started = time.monotonic()
    _ask(phone, text)

    # While no answer has said "stored", the text stays, locked, and the phone says it is
    # being sent; it waits in the outbox.
    status = phone.locator("#question-status")
    expect(status).to_have_text("Skickas…")
    expect(phone.get_by_label("Din fråga")).to_have_value(text)
    expect(phone.locator("#phone-outbox")).to_contain_text("1 inlägg väntar")

    # Then it is sent again by itself, with the same client id, and acknowledged.
    expect(status).to_contain_text("väntar på granskning", timeout=20_000)
    seconds = time.monotonic() - started
    expect(phone.get_by_label("Din fråga")).to_have_value("")
    expect(phone.locator("#phone-outbox")).to_have_text("")
    assert len(wire.submits) == 2, wire.submits
    first, again = wire.submits
    assert again["client_id"] == first["client_id"] and again["text"] == text

    # Stored exactly once, under that client id.
    assert meeting["rows"](text) == [first["client_id"]]
    assert meeting["total"]() == before + 1
    phone.reload()
    expect(phone.locator("#phone-status")).to_have_attribute("data-state", "connected")
    expect(phone.locator("#phone-questions li", has_text=text)).to_have_count(1)
    print(f"\n{mode}: sent twice, stored once, acknowledged after {seconds:.1f} s")
