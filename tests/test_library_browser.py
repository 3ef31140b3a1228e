"""On a phone in the demo's upcoming Gnesta dialogue: a good example is written with the
board's consent ticked, and the examples boards shared on the dialogue's themes
(Gnesta 2019's, approved for the library) are one tap away."""

import pytest
import sqlalchemy as sa
from conftest import assert_accessible
from playwright.sync_api import expect

pytestmark = pytest.mark.xdist_group("live")

SHOTS = "/tmp/shots"


def test_a_participant_reads_shared_examples_and_writes_one_with_consent(live_server, phone):
    live_server.flask("demo")
    engine = sa.create_engine(live_server.database_url)
    with engine.connect() as conn:
        code = conn.execute(sa.text(
            "SELECT join_code FROM dialogues WHERE title LIKE '%förhandsbedömningar%'"
        )).scalar_one()
    phone.goto(f"{live_server.url}/m/{code}")
    phone.get_by_label("Nämnd").select_option(label="Gnesta")
    phone.get_by_label("Socialsekreterare").check()
    phone.get_by_role("button", name="Gå med").click()
    phone.wait_for_load_state()
    phone.goto(f"{live_server.url}/m/{code}/mote")
    link = phone.get_by_role("link", name="Goda exempel från nämnderna om det som tas upp nu")
    link.click()
    phone.get_by_role("heading", level=1, name="Goda exempel från nämnderna").wait_for()
    text = phone.locator(".library-example").first.inner_text()
    assert "samtalsmall för barnsamtal" in text and "Socialnämnden i Gnesta kommun" in text
    assert "Socialsekreterare" not in text
    assert_accessible(phone)
    phone.screenshot(path=f"{SHOTS}/library-phone-390.png", full_page=True)

    phone.goto(f"{live_server.url}/m/{code}/mote")
    phone.get_by_text("Dela ett gott exempel").click()
    phone.get_by_label("Beskriv ert goda exempel").fill(
        "Vi ringer alltid upp familjer som uteblir från inbokade samtal samma dag.")
    phone.get_by_label("IVO får dela exemplet med andra nämnder i biblioteket med goda exempel") \
        .check()
    phone.get_by_role("button", name="Dela exemplet").click()
    expect(phone.locator("#good_example-text")).to_have_value("", timeout=15000)
    engine = sa.create_engine(live_server.database_url)
    with engine.connect() as conn:
        consent = conn.execute(sa.text(
            "SELECT share_consent FROM contributions WHERE text LIKE 'Vi ringer alltid upp%'"
        )).scalar_one()
    engine.dispose()
    assert consent in (1, True)
    assert not phone.locator("#good_example-share_consent").is_checked()
