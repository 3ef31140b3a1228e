"""In a real browser against the real server: join on a phone, answer, ask; the summary."""

import os
import re

import pytest
from conftest import assert_accessible, browser_login
from sqlalchemy import select

from facilitator import create_app
from facilitator.accounts.models import User
from facilitator.extensions import db

SHOTS = "/tmp/shots"


@pytest.fixture
def published(live_server):
    """A published dialogue made straight in the live server's database."""
    from helpers_participants import make_dialogue

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": live_server.database_url})
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == live_server.email))
        dialogue = make_dialogue(
            title="Återföringsdialog Gnesta 2019", boards=("Gnesta",), facilitators=[admin],
        )
        info = {"id": dialogue.id, "code": dialogue.join_code,
                "reflection_ids": [r.id for r in dialogue.reflections]}
        db.session.remove()
    return info


def test_join_answer_and_ask_on_a_phone_then_the_summary(live_server, published, phone, page):
    code = published["code"]
    first_id = published["reflection_ids"][0]

    phone.goto(f"{live_server.url}/delta")
    assert_accessible(phone)
    phone.get_by_label("Mötets kod").fill(f"{code[:3].lower()}-{code[3:].lower()}")
    phone.get_by_role("button", name="Gå vidare").click()

    phone.wait_for_url(f"**/m/{code}")
    assert_accessible(phone)
    os.makedirs(SHOTS, exist_ok=True)
    phone.screenshot(path=f"{SHOTS}/profile.png", full_page=True)
    phone.get_by_label("Nämnd").select_option(label="Gnesta")
    phone.get_by_label("Socialsekreterare").check()
    phone.get_by_role("button", name="Gå med").click()

    phone.wait_for_url(f"**/m/{code}/forberedelse")
    assert "Välkommen! Du deltar som Gnesta." in phone.locator(".flashes").inner_text()
    assert_accessible(phone)
    card = phone.locator(f"#r-{first_id}")
    card.get_by_label("Delvis").check()
    card.get_by_role("button", name="Spara svar").click()
    phone.wait_for_load_state()
    assert "Ditt svar är sparat" in phone.locator(".flashes").inner_text()
    assert phone.locator(f"#r-{first_id}").get_by_label("Delvis").is_checked()

    card = phone.locator(f"#r-{first_id}")
    card.get_by_text("Ställ en fråga om reflektionen").click()
    card.get_by_label("Din fråga").fill("Hur räknar ni de fjorton dagarna?")
    client_id = card.locator("input[name=client_id]").first.input_value()
    assert re.fullmatch(r"[0-9a-f-]{36}", client_id)  # made with crypto.randomUUID()
    card.get_by_role("button", name="Skicka fråga").click()
    phone.wait_for_load_state()
    item = phone.locator(f'#r-{first_id} li[data-client-id="{client_id}"]')
    assert "Hur räknar ni de fjorton dagarna?" in item.inner_text()
    assert "väntar på granskning" in item.inner_text()

    # The personnummer warning: the first send is held back with a warning, not blocked.
    general = phone.locator("#fragor form").first
    general.get_by_label("Din fråga").fill("Gäller barnet 811218-9876 här?")
    warning = general.locator(".pnr-warning")
    warning.wait_for(state="visible")
    assert "ser ut att innehålla ett personnummer" in warning.inner_text()
    general.get_by_role("button", name="Skicka fråga").click()
    assert "tryck på knappen igen" in warning.inner_text()
    assert phone.url.endswith("/forberedelse") or "#" in phone.url

    phone.goto(f"{live_server.url}/m/{code}/forberedelse")
    phone.screenshot(path=f"{SHOTS}/preread.png", full_page=True)
    # The typed but unsent text came back from sessionStorage.
    restored = phone.locator("#fragor form").first.get_by_label("Din fråga").input_value()
    assert restored == "Gäller barnet 811218-9876 här?"

    browser_login(page, live_server)
    page.goto(f"{live_server.url}/dialoger/{published['id']}/sammanfattning")
    section = page.locator(f"#s-{first_id}")
    assert "1 svar:" in section.inner_text()
    # One answer: it counts in the total, but no role or board of one is shown on its own.
    assert section.locator("table").count() == 0
    assert "För få svar för att visa per grupp." in section.inner_text()
    assert "Hur räknar ni de fjorton dagarna?" in section.inner_text()
    assert "Att prata om" in section.inner_text()
    page.screenshot(path=f"{SHOTS}/summary.png", full_page=True)
    assert_accessible(page)
