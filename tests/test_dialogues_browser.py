"""A facilitator prepares a dialogue in a real browser against the real server."""

import os
import uuid

from conftest import assert_accessible, browser_login
from playwright.sync_api import expect

SHOTS = "/tmp/shots"


def test_prepare_and_publish_a_dialogue(live_server, page):
    suffix = uuid.uuid4().hex[:6]
    board = f"Socialnämnden i Gnesta {suffix}"
    title = f"Återföringsdialog Gnesta {suffix}"
    browser_login(page, live_server)

    page.goto(f"{live_server.url}/organisationer/ny")
    page.get_by_label("Fullständigt namn").fill(board)
    page.get_by_label("Kortnamn").fill("Gnesta")
    page.get_by_label("Typ").select_option("kommun")
    page.get_by_role("button", name="Lägg till").click()
    page.get_by_text(f"{board} är tillagd.").wait_for()

    page.goto(f"{live_server.url}/dialoger/")
    page.get_by_role("link", name="Ny dialog").click()
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Syfte").fill("Att gå igenom IVO:s iakttagelser om förhandsbedömningar.")
    page.get_by_label("Datum och tid").fill("2027-03-15T09:00")
    page.get_by_label("Mötets längd i minuter").fill("180")
    page.get_by_label("Lokal").fill("Stora salen")
    page.get_by_label(board).check()
    page.get_by_role("button", name="Skapa dialog").click()
    page.get_by_role("heading", level=1, name=title).wait_for()
    assert page.get_by_text("Inga reflektioner ännu – lägg till den första").is_visible()
    dialogue_url = page.url

    page.get_by_role("link", name="Lägg till reflektion").click()
    assert_accessible(page)
    page.get_by_label("Typ").select_option("deficiency")
    page.get_by_label("Rubrik").fill("Förhandsbedömningar tar för lång tid")
    page.get_by_label("Underlag").fill("6 av 10 granskade förhandsbedömningar")
    page.get_by_label("Lagrum").fill("SoL 11 kap. 1 a §")
    page.get_by_label("Text", exact=True).fill("Beslut ska fattas inom **14 dagar**.")
    page.get_by_role("button", name="Lägg till reflektion").click()
    page.get_by_text("är tillagd").wait_for()

    page.goto(dialogue_url)
    page.get_by_role("link", name="Lägg till punkt").click()
    page.get_by_label("Rubrik").fill("IVO:s iakttagelser")
    page.get_by_label("Planerade minuter").fill("150")
    page.get_by_label("Förhandsbedömningar tar för lång tid").check()
    page.get_by_role("button", name="Lägg till punkt").click()
    page.get_by_text("är tillagd").wait_for()

    page.goto(dialogue_url)
    assert page.get_by_text("Planerat 150 av 180 minuter").is_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publicera").click()
    page.get_by_text("Dialogen är publicerad.").wait_for()
    assert page.get_by_text("Status: Publicerad").is_visible()
    assert_accessible(page)
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/dialogue.png", full_page=True)

    page.goto(f"{live_server.url}/dialoger/")
    assert page.get_by_role("link", name=title).is_visible()
    assert_accessible(page)

    page.goto(dialogue_url)
    page.get_by_role("link", name="Inbjudan med QR-kod").click()
    page.wait_for_url("**/inbjudan")
    page.wait_for_load_state("load")
    code = page.locator(".join-code-large").inner_text().strip()
    assert len(code) == 6
    qr = page.get_by_role("img", name="QR-kod som leder till")
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", qr.element_handle())
    expect(page.get_by_role("button", name="Skriv ut")).to_be_visible()
    assert_accessible(page)
