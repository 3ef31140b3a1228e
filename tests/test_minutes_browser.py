"""Done when: a facilitator closes a live meeting from the console in real Chromium against the
real server, reads the minutes, downloads the PDF, fastställer them, and axe finds nothing."""

import io
import re
from pathlib import Path

import sqlalchemy as sa
from conftest import assert_accessible, browser_login
from helpers_minutes import FOLLOWUP_2, TITLE, build_meeting
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy.orm import Session

SHOTS = Path("/tmp/shots")
TIMEOUT = 15_000


def _live_dialogue(database_url: str, admin_email: str):
    from facilitator.accounts.models import User

    engine = sa.create_engine(database_url)
    with Session(engine) as session:
        admin = session.scalar(sa.select(User).where(User.email == admin_email))
        built = build_meeting(session, [admin])
    engine.dispose()
    return built


def test_closing_a_meeting_and_reading_its_minutes(live_server, page):
    built = _live_dialogue(live_server.database_url, live_server.email)
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser_login(page, live_server)

    page.goto(f"{live_server.url}/dialoger/{built.dialogue_id}/mote")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Stäng mötet").click()

    expect(page).to_have_url(f"{live_server.url}/dialoger/{built.dialogue_id}/protokoll/v1",
                             timeout=TIMEOUT)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".flash")).to_contain_text("Mötet är stängt")
    expect(page.get_by_role("heading", name="Närvaro")).to_be_visible()
    expect(page.get_by_role("cell", name="Överenskommen")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "minutes-1366.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".minutes-actions")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "minutes-print.png"), full_page=True)
    page.emulate_media(media="screen")

    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner som PDF").click()
    download = info.value
    assert download.suggested_filename == f"protokoll-{built.code.lower()}-v1.pdf"
    data = Path(download.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    # narrow cells hyphenate by Swedish rules: compare without spaces and hyphens
    squashed = re.sub(r"[\s\-\u00ad\u2010]+", "", text)
    for word in ("Uppföljningspunkter", "förhandsbedömning", "Enhetschef", "Återkoppla",
                 "överklagade", "Föreslagen", "Sörmland"):
        assert word in squashed, word
    assert FOLLOWUP_2.split()[0] in text

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Fastställ protokollet").click()
    expect(page.locator(".flash")).to_contain_text("är fastställt", timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Fastställ protokollet")).to_have_count(0)

    page.get_by_role("link", name="Alla versioner").click()
    expect(page.get_by_role("heading", name="Versioner")).to_be_visible()
    expect(page.get_by_role("heading", name="Rätta protokollet")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "minutes-versions.png"), full_page=True)
