"""The foundation in a real browser: login, axe, keyboard, small screens."""

from pathlib import Path

import pytest
from conftest import assert_accessible, browser_login

pytestmark = pytest.mark.xdist_group("live")

SHOTS = Path("/tmp/shots")


def test_login_in_the_browser_and_pages_pass_axe(live_server, page):
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page)  # the start page, logged out

    page.goto(f"{live_server.url}/logga-in")
    assert_accessible(page)

    browser_login(page, live_server)

    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")
    assert page.get_by_role("button", name="Logga ut").is_visible()
    assert_accessible(page)  # the start page, logged in

    page.goto(f"{live_server.url}/tillganglighet")
    assert page.get_by_role("heading", level=1).inner_text() == "Tillgänglighetsredogörelse"
    assert_accessible(page)


def test_wrong_password_in_the_browser_is_announced_at_the_field(live_server, page):
    page.goto(f"{live_server.url}/logga-in")
    page.get_by_label("E-postadress").fill(live_server.email)
    page.get_by_label("Lösenord").fill("fel-losenord-i-webblasaren")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    password = page.get_by_label("Lösenord")
    assert password.get_attribute("aria-invalid") == "true"
    assert "Fel e-postadress eller lösenord." in page.content()
    assert page.get_by_label("E-postadress").input_value() == live_server.email
    assert_accessible(page)


def test_the_skip_link_comes_first_and_moves_focus_to_main(live_server, page):
    page.goto(f"{live_server.url}/logga-in")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className + '|' + "
                            "document.activeElement.getAttribute('href')")
    assert focused == "skip-link|#main"
    assert page.locator(".skip-link").is_visible()  # visible while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_no_horizontal_scroll_at_320_px(live_server, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="sv-SE")
    try:
        page = context.new_page()
        for path in ("/", "/logga-in", "/tillganglighet"):
            page.goto(f"{live_server.url}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{path} scrolls sideways at 320 px ({width} px wide)"
    finally:
        context.close()


def test_screenshots_of_the_login_page(live_server, page, phone):
    SHOTS.mkdir(exist_ok=True)
    for name, tab in (("login-phone-390", phone), ("login-desktop-1366", page)):
        tab.goto(f"{live_server.url}/logga-in")
        tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert (SHOTS / f"{name}.png").stat().st_size > 5000
