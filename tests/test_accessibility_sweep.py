"""axe over every page a facilitator and a participant reach, on the demo dialogues.

Feature tests check their own pages; this sweep catches a page nobody thought to check, and
the English versions of the pages too.
"""

import pytest
import sqlalchemy as sa
from conftest import assert_accessible, browser_login

pytestmark = pytest.mark.xdist_group("live")


@pytest.fixture(scope="module")
def demo(live_server):
    """Load the demo dialogues into the live server's database; ids of the Gnesta one."""
    live_server.flask("demo")
    engine = sa.create_engine(live_server.database_url)
    with engine.connect() as conn:
        dialogue_id, code = conn.execute(sa.text(
            "SELECT id, join_code FROM dialogues WHERE title LIKE '%förhandsbedömningar%'"
        )).one()
        reflection_id = conn.execute(sa.text(
            "SELECT id FROM reflections WHERE dialogue_id = :d ORDER BY position LIMIT 1"),
            {"d": dialogue_id}).scalar_one()
        item_id = conn.execute(sa.text(
            "SELECT id FROM agenda_items WHERE dialogue_id = :d ORDER BY position LIMIT 1"),
            {"d": dialogue_id}).scalar_one()
        org_id = conn.execute(sa.text(
            "SELECT organization_id FROM dialogue_organizations WHERE dialogue_id = :d"),
            {"d": dialogue_id}).scalar_one()
    engine.dispose()
    return {"d": dialogue_id, "code": code, "r": reflection_id, "i": item_id, "o": org_id}


FACILITATOR_PAGES = [
    "/", "/dialoger/", "/dialoger/ny", "/dialoger/{d}", "/dialoger/{d}/redigera",
    "/dialoger/{d}/reflektioner", "/dialoger/{d}/reflektioner/ny",
    "/dialoger/{d}/reflektioner/{r}", "/dialoger/{d}/dagordning",
    "/dialoger/{d}/dagordning/ny", "/dialoger/{d}/dagordning/{i}",
    "/dialoger/{d}/forhandsvisning", "/dialoger/{d}/inbjudan",
    "/dialoger/{d}/sammanfattning", "/dialoger/{d}/mote", "/dialoger/{d}/logg",
    "/dialoger/{d}/uppfoljning", "/dialoger/{d}/uppfoljning/ny",
    "/dialoger/{d}/uppfoljning/fran", "/dialoger/{d}/protokoll",
    "/organisationer/", "/organisationer/ny", "/organisationer/{o}/redigera",
    "/uppfoljning", "/konton", "/api-nycklar", "/api-nycklar/namnder", "/tillganglighet",
    "/finns-inte",
    "/teman/", "/teman/nytt", "/goda-exempel", "/goda-exempel?q=utredningar",
    "/organisationer/{o}/historik", "/dialoger/{d}/goda-exempel",
    "/oversikt",
]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_facilitator_page_is_accessible(page, live_server, demo, lang):
    browser_login(page, live_server)
    if lang == "en":
        page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    for path in FACILITATOR_PAGES:
        url = live_server.url + path.format(**demo)
        response = page.goto(url)
        expected = 404 if path == "/finns-inte" else 200
        assert response.status == expected, url
        assert page.locator("h1").count() >= 1, url
        assert page.locator("html").get_attribute("lang") == lang, url
        assert_accessible(page)


def test_every_participant_page_is_accessible(phone, live_server, demo):
    phone.goto(f"{live_server.url}/delta")
    assert_accessible(phone)
    phone.get_by_label("Mötets kod").fill(demo["code"].lower())
    phone.get_by_role("button", name="Gå vidare").click()
    phone.wait_for_load_state()
    assert_accessible(phone)  # the profile step
    phone.get_by_label("Nämnd").select_option(label="Gnesta")
    phone.get_by_label("Politiker").check()
    phone.get_by_role("button", name="Gå med").click()
    phone.wait_for_load_state()
    assert "/forberedelse" in phone.url
    assert_accessible(phone)  # the pre-read
    phone.goto(f"{live_server.url}/m/{demo['code']}/mote")
    phone.wait_for_selector("#main")
    assert_accessible(phone)
