"""In a real browser: a third Gnesta dialogue is prepared, the recurring deficiency from 2016
and 2019 is offered and brought in, and the board's history shows all three in order."""

import uuid

import pytest
from conftest import assert_accessible, browser_login

pytestmark = pytest.mark.xdist_group("live")

SHOTS = "/tmp/shots"


def test_prepare_a_third_gnesta_dialogue_from_the_boards_history(live_server, page):
    live_server.flask("demo")
    suffix = uuid.uuid4().hex[:6]
    title = f"Uppföljande tillsyn Gnesta {suffix}"
    browser_login(page, live_server)

    page.goto(f"{live_server.url}/dialoger/ny")
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Datum och tid").fill("2027-05-11T09:00")
    page.get_by_label("Mötets längd i minuter").fill("180")
    page.get_by_label("Socialnämnden i Gnesta kommun", exact=True).check()
    page.get_by_role("button", name="Skapa dialog").click()
    page.get_by_role("heading", level=1, name=title).wait_for()
    dialogue_url = page.url

    page.goto(f"{dialogue_url}/reflektioner")
    offer = page.locator(".recurring-offer", has_text="barnets inställning och barnets röst")
    offer.get_by_text("Återkommande brist: barnets inställning och barnets röst, 2016 och 2019; "
                      "åtgärd 2016 redovisad som genomförd").wait_for()
    assert_accessible(page)
    page.screenshot(path=f"{SHOTS}/history-offer-1366.png", full_page=True)
    offer.get_by_role("button", name="Ta in som reflektion").click()
    page.get_by_text("är tillagd som reflektion med koppling till den tidigare").wait_for()
    assert "Utgår från ”Barnets inställning till beslut och insatser inhämtas inte”" in \
        page.locator("#origin-notice").inner_text()
    page.get_by_label("Underlag").fill("Brist i 4 av 8 granskade utredningar")
    page.get_by_role("button", name="Spara").click()
    page.goto(f"{dialogue_url}/reflektioner")
    page.locator(".recurring-offer", has_text="barnets inställning och barnets röst") \
        .get_by_text("Intagen som").wait_for()

    page.goto(f"{live_server.url}/organisationer/")
    page.get_by_role("link", name="Historik Socialnämnden i Gnesta kommun", exact=True).click()
    page.get_by_role("heading", level=1,
                     name="Historik för Socialnämnden i Gnesta kommun").wait_for()
    headings = page.locator(".history-dialogue h2").all_inner_texts()
    first = headings.index("Återföring efter klagomål 2016: handläggningen av barn- och "
                           "ungdomsärenden")
    second = next(i for i, h in enumerate(headings) if h.startswith("Dialogmöte 2019"))
    third = headings.index(title)
    assert first < second < third
    dialogues = page.locator(".history-dialogue")
    old = dialogues.nth(first)
    assert "Rutin för att inhämta och dokumentera barnets inställning" in old.inner_text()
    assert "Genomförd" in old.inner_text()
    new = dialogues.nth(third)
    assert "Barnets inställning till beslut och insatser inhämtas inte" in new.inner_text()
    assert "Utgår från" in new.inner_text()
    themes = page.locator("#themes-heading + .table-wrap table").inner_text()
    assert "Barnets inställning och barnets röst" in themes and "2016, 2019" in themes
    assert_accessible(page)
    page.screenshot(path=f"{SHOTS}/history-board-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/history-board-390.png", full_page=True)
