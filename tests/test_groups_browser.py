"""The room of 20 on real screens (Chromium): the projector, the console and a phone draw the
poll's result without the lone politiker or the lone chef; small groups are "Övriga"."""

import secrets
import uuid
from pathlib import Path

import sqlalchemy as sa
from conftest import browser_login
from playwright.sync_api import expect
from sqlalchemy.orm import Session
from test_groups_room import ROOM

from facilitator.core.tokens import hash_token

TIMEOUT = 15_000
SHOTS = Path("/tmp/shots")


def _live_room(database_url: str, admin_email: str) -> dict:
    """A live dialogue whose open poll the 20 of ROOM have answered, and a projector link."""
    from facilitator.accounts.models import User
    from facilitator.contributions.models import Stance
    from facilitator.core.clock import utcnow
    from facilitator.dialogues import codes
    from facilitator.dialogues.models import AgendaItem, Dialogue, DialogueStatus, Reflection
    from facilitator.meetings.models import Meeting, Poll
    from facilitator.organizations.models import Organization
    from facilitator.participants.models import Participant

    suffix = uuid.uuid4().hex[:6]
    token = secrets.token_urlsafe(24)
    engine = sa.create_engine(database_url)
    with Session(engine) as s:
        admin = s.scalar(sa.select(User).where(User.email == admin_email))
        boards = {short: Organization(name=f"Socialnämnden i {short} {suffix}",
                                      short_name=short, kind="kommun")
                  for short in ("Gnesta", "Nyköping")}
        code = "".join(codes.ALPHABET[int(c, 16) % len(codes.ALPHABET)]
                       for c in uuid.uuid4().hex[:codes.LENGTH])
        dialogue = Dialogue(title="Återföringsdialog i ett rum med 20", join_code=code,
                            status=DialogueStatus.LIVE, premoderation=True,
                            show_board_results=True, organizations=list(boards.values()),
                            facilitators=[admin], started_at=utcnow())
        reflection = Reflection(dialogue=dialogue, kind="deficiency", position=0,
                                title="Förhandsbedömningar dröjer", body_md="Beslut dröjer.")
        item = AgendaItem(dialogue=dialogue, position=0, title="Förhandsbedömningarna",
                          planned_minutes=20, reflections=[reflection])
        s.add_all([*boards.values(), dialogue, reflection, item])
        s.flush()
        s.add(Meeting(dialogue_id=dialogue.id, current_agenda_item_id=item.id,
                      projector_token_hash=hash_token(token)))
        s.add(Poll(dialogue_id=dialogue.id, reflection_id=reflection.id, results_live=True))
        for board, role, _before, during in ROOM:
            p = Participant(dialogue_id=dialogue.id, organization_id=boards[board].id,
                            role=role, token_hash=hash_token(secrets.token_urlsafe(16)))
            s.add(p)
            s.flush()
            s.add(Stance(dialogue_id=dialogue.id, reflection_id=reflection.id,
                         participant_id=p.id, value=during, phase="live"))
        s.commit()
        data = {"id": dialogue.id, "code": code, "token": token}
    engine.dispose()
    return data


def _no_one_singled_out(text: str):
    assert "Övriga" in text
    assert "Politiker" not in text and "Chef" not in text


def test_projector_console_and_phone_draw_the_room_without_the_lone_ones(
        live_server, browser, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    room = _live_room(live_server.database_url, live_server.email)
    contexts = []
    try:
        pj_context = browser.new_context(viewport={"width": 1920, "height": 1080},
                                         locale="sv-SE")
        contexts.append(pj_context)
        projector = pj_context.new_page()
        projector.goto(f"{live_server.url}/projektor/{room['token']}")
        results = projector.locator("#pj-results")
        expect(results).to_be_visible(timeout=TIMEOUT)
        expect(results).to_contain_text("Övriga", timeout=TIMEOUT)
        _no_one_singled_out(results.inner_text())
        # Roles in the fixed order, "Övriga" last; then, as the facilitator switches the view
        # (the meeting's state: a reloaded screen shows it), boards by name.
        labels = projector.locator(".pj-row-label")
        expect(labels).to_have_text(["Alla", "Socialsekreterare", "Övriga"])
        projector.screenshot(path=str(SHOTS / "groups-projector-1920x1080.png"),
                             animations="disabled")  # the bars as they settle, not mid-fade
        engine = sa.create_engine(live_server.database_url)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE meetings SET results_view = 'board' "
                                 "WHERE dialogue_id = :d"), {"d": room["id"]})
            conn.execute(sa.text("UPDATE dialogues SET seq = seq + 1 WHERE id = :d"),
                         {"d": room["id"]})
        engine.dispose()
        projector.reload()
        expect(labels).to_have_text(["Alla", "Gnesta", "Nyköping"], timeout=TIMEOUT)
        assert "Politiker" not in results.inner_text() and "Chef" not in results.inner_text()

        browser_login(page, live_server)
        page.goto(f"{live_server.url}/dialoger/{room['id']}/mote")
        box = page.locator("#c-results")
        expect(box).to_contain_text("20 svar", timeout=TIMEOUT)
        expect(page.locator("#c-results-role tbody th")).to_have_text(
            ["Alla", "Socialsekreterare", "Övriga"])
        _no_one_singled_out(box.inner_text())

        phone_context = browser.new_context(viewport={"width": 390, "height": 844},
                                            locale="sv-SE", is_mobile=True, has_touch=True)
        contexts.append(phone_context)
        phone = phone_context.new_page()
        phone.goto(f"{live_server.url}/m/{room['code']}")
        phone.get_by_label("Nämnd").select_option(label="Gnesta")
        phone.get_by_label("Socialsekreterare", exact=True).check()
        phone.get_by_role("button", name="Gå med").click()
        phone.wait_for_load_state()
        phone.goto(f"{live_server.url}/m/{room['code']}/mote")
        poll = phone.locator("#phone-poll")
        expect(poll).to_contain_text("20 svar", timeout=TIMEOUT)
        text = phone.locator("body").inner_text()
        assert "Politiker" not in text and "Chef" not in text
    finally:
        for context in contexts:
            context.close()
