"""The token page in a real browser: accessible, the token shown once, revoke asks first."""

import re

from conftest import assert_accessible, browser_login


def test_token_page_is_accessible_and_works(live_server, page):
    browser_login(page, live_server)
    page.get_by_role("link", name="API-nycklar").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "API-nycklar"
    assert_accessible(page)

    page.get_by_label("Namn på nyckeln").fill("Axe-skript")
    page.get_by_role("button", name="Skapa nyckel").click()
    page.wait_for_load_state()
    token = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"atf_[A-Za-z0-9_-]{43}", token)
    assert_accessible(page)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Återkalla Axe-skript").first.click()
    page.wait_for_load_state()
    assert "Nyckeln Axe-skript är återkallad." in page.content()
    assert token not in page.content()
