"""Done when: in real Chromium against the real server, a facilitator creates two follow-up items,
creates board A's review link, the board opens it in a fresh browser, moves an item to "Pågår"
with a comment and uploads a PDF, and IVO's overview shows it. axe finds nothing on the pages."""

import re
import uuid
from pathlib import Path

import sqlalchemy as sa
from conftest import assert_accessible, browser_login
from playwright.sync_api import expect
from sqlalchemy.orm import Session

SHOTS = Path("/tmp/shots")
TIMEOUT = 15_000
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _make_dialogue(database_url: str, admin_email: str) -> dict:
    from facilitator.accounts.models import User
    from facilitator.dialogues.models import Dialogue, DialogueStatus, Reflection
    from facilitator.organizations.models import Organization

    suffix = uuid.uuid4().hex[:6]
    engine = sa.create_engine(database_url)
    with Session(engine) as s:
        admin = s.scalar(sa.select(User).where(User.email == admin_email))
        gnesta = Organization(name=f"Socialnämnden i Gnesta {suffix}", short_name="Gnesta",
                              kind="kommun", contact_email="registrator@gnesta.se")
        nykoping = Organization(name=f"Socialnämnden i Nyköping {suffix}",
                                short_name="Nyköping", kind="kommun")
        dialogue = Dialogue(title="Återföringsdialog Sörmland", status=DialogueStatus.CLOSED,
                            organizations=[gnesta, nykoping], facilitators=[admin])
        reflection = Reflection(dialogue=dialogue, kind="deficiency", position=0,
                                title="Förhandsbedömningar dröjer",
                                evidence="6 av 10 granskade förhandsbedömningar")
        s.add_all([gnesta, nykoping, dialogue, reflection])
        s.commit()
        data = {"id": dialogue.id, "gnesta": gnesta.name, "nykoping": nykoping.name}
    engine.dispose()
    return data


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_follow_up_from_facilitator_to_board_and_back(live_server, browser, page):
    d = _make_dialogue(live_server.database_url, live_server.email)
    url = live_server.url
    page.set_default_timeout(TIMEOUT)
    browser_login(page, live_server)

    # Two items, from the dialogue's follow-up page.
    page.goto(f"{url}/dialoger/{d['id']}/uppfoljning")
    page.get_by_role("link", name="Ny uppföljningspunkt").click()
    page.get_by_label("Vad ska göras?").fill("Förhandsbedömningar inom 14 dagar")
    page.get_by_label("Ansvarig part").select_option(label=d["gnesta"])
    page.get_by_label("Ansvarig roll").fill("enhetschef barn och unga")
    page.get_by_label("Klart senast").fill("2026-06-30")
    page.get_by_role("button", name="Spara och skapa en till").click()
    expect(page.get_by_text("Uppföljningspunkten är sparad.")).to_be_visible()
    page.get_by_label("Vad ska göras?").fill("Barnets röst dokumenteras i varje utredning")
    page.get_by_label("Ansvarig part").select_option(label=d["gnesta"])
    page.get_by_label("IVO och nämnden ser olika på saken").check()
    page.get_by_label("IVO:s syn").fill("Barnsamtal saknas i 4 av 10 utredningar.")
    page.get_by_label("Nämndens syn").fill("Samtalen hålls men dokumenteras på annat ställe.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Uppföljningspunkter"))).to_be_visible()
    table = page.locator("table").first
    expect(table.get_by_role("link", name="Förhandsbedömningar inom 14 dagar")).to_be_visible()
    expect(table.get_by_text("Barnets röst dokumenteras i varje utredning")).to_be_visible()
    assert_accessible(page)

    # Board A's review link, shown once.
    page.get_by_label("Nämnd", exact=True).select_option(label=d["gnesta"])
    page.get_by_role("button", name="Skapa länk").click()
    link = page.locator("#new-link-url").input_value()
    assert link.startswith(f"{url}/granskning/")
    assert_accessible(page)

    # The board, in a browser of its own (no login).
    board_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")
    try:
        board = board_ctx.new_page()
        board.set_default_timeout(TIMEOUT)
        board.goto(link)
        expect(board.get_by_role("heading", level=1)).to_contain_text(d["gnesta"])
        expect(board.get_by_role("link", name="Förhandsbedömningar inom 14 dagar")).to_be_visible()
        assert_accessible(board)
        _shot(board, "followups-review-1366.png")
        board.get_by_role("link", name="Förhandsbedömningar inom 14 dagar").click()
        expect(board.get_by_role("heading", level=1)).to_have_text(
            "Förhandsbedömningar inom 14 dagar")
        assert_accessible(board)
        # One form with one save for status, comment and evidence.
        expect(board.locator("main form")).to_have_count(1)
        expect(board.locator("main form button, main form input[type=submit]")).to_have_count(1)
        # Leaving with typed text asks first; staying keeps the text.
        comment = board.get_by_label("Kommentar: vad har gjorts?")
        comment.fill("Ny rutin för förhandsbedömning är beslutad i nämnden.")
        asked = []

        def stay(dialog):
            asked.append(dialog.type)
            dialog.dismiss()

        board.once("dialog", stay)
        board.get_by_role("link", name="Alla våra uppföljningspunkter").click(
            no_wait_after=True)
        expect(comment).to_have_value("Ny rutin för förhandsbedömning är beslutad i nämnden.")
        assert asked == ["beforeunload"]
        # What is typed in both parts is saved together by the one button.
        board.get_by_label("Ny status").select_option(label="Pågår")
        board.get_by_label("Beskrivning av underlaget").fill("Nämndens protokoll, § 12")
        board.get_by_role("button", name="Spara", exact=True).click()
        expect(board.get_by_text("Status är ändrad.")).to_be_visible()
        expect(board.get_by_text("Underlaget är sparat.")).to_be_visible()
        expect(board.locator(".fu-history")).to_contain_text("Ny rutin för förhandsbedömning")
        expect(board.locator(".fu-history")).to_contain_text("Nämndens protokoll, § 12")
        # Text no event told the page's script of (typed before the deferred script ran, or
        # put back by the browser) is guarded all the same.
        comment.evaluate("el => { el.value = 'Skrivet innan skriptet hann läsas in'; }")
        board.once("dialog", stay)
        board.get_by_role("link", name="Alla våra uppföljningspunkter").click(
            no_wait_after=True)
        expect(comment).to_have_value("Skrivet innan skriptet hann läsas in")
        assert asked == ["beforeunload", "beforeunload"]
        comment.evaluate("el => { el.value = el.defaultValue; }")
        # Saved, the page is left without a question.
        board.on("dialog", lambda dialog: asked.append(dialog.type))
        board.get_by_role("link", name="Alla våra uppföljningspunkter").click()
        expect(board.get_by_role("heading", level=1)).to_contain_text(d["gnesta"])
        assert asked == ["beforeunload", "beforeunload"]
        board.go_back()
        board.get_by_label(re.compile("^Fil ")).set_input_files(
            {"name": "Rutin förhandsbedömning.pdf", "mimeType": "application/pdf",
             "buffer": PDF})
        board.get_by_role("button", name="Spara", exact=True).click()
        expect(board.get_by_text("Underlaget är sparat.")).to_be_visible()
        expect(board.get_by_role("link", name="Rutin förhandsbedömning.pdf")).to_be_visible()
        assert_accessible(board)
        _shot(board, "followups-item-1366.png")
        board.set_viewport_size({"width": 390, "height": 844})
        board.goto(link)
        assert_accessible(board)
        _shot(board, "followups-review-390.png")
    finally:
        board_ctx.close()

    # IVO's overview shows the new status.
    page.goto(f"{url}/uppfoljning")
    # exactly this item: the shared server holds other tests' items with longer titles
    row = page.locator("tr").filter(has=page.get_by_role(
        "link", name="Förhandsbedömningar inom 14 dagar", exact=True)).filter(
        has_text=d["gnesta"])
    expect(row).to_contain_text("Pågår")
    expect(page.locator("table.fu-matrix")).to_contain_text(d["gnesta"])
    assert_accessible(page)
    _shot(page, "followups-overview-1366.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert_accessible(page)
    _shot(page, "followups-overview-390.png")


def test_the_room_sees_agreed_items_appear_on_the_phone(live_server, browser, page):
    from facilitator.dialogues import codes
    from facilitator.dialogues.models import DialogueStatus
    d = _make_dialogue(live_server.database_url, live_server.email)
    code = "".join(codes.ALPHABET[int(c, 16) % len(codes.ALPHABET)]
                   for c in uuid.uuid4().hex[:codes.LENGTH])
    engine = sa.create_engine(live_server.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE dialogues SET status = :s, join_code = :c WHERE id = :i"),
                     {"s": DialogueStatus.LIVE.value, "c": code, "i": d["id"]})
    engine.dispose()
    url = live_server.url
    phone_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE",
                                    is_mobile=True, has_touch=True)
    try:
        phone = phone_ctx.new_page()
        phone.set_default_timeout(TIMEOUT)
        phone.goto(f"{url}/m/{code}")
        phone.get_by_label("Nämnd").select_option(label="Gnesta")
        phone.get_by_label("Socialsekreterare", exact=True).check()
        phone.get_by_role("button", name="Gå med").click()
        phone.wait_for_load_state()
        phone.goto(f"{url}/m/{code}/mote")
        expect(phone.locator("#phone-status-text")).to_have_text("Ansluten", timeout=TIMEOUT)
        expect(phone.locator("#phone-followups")).to_be_hidden()

        page.set_default_timeout(TIMEOUT)
        browser_login(page, live_server)
        page.goto(f"{url}/dialoger/{d['id']}/uppfoljning/ny")
        page.get_by_label("Vad ska göras?").fill("Skyddsbedömning samma dag")
        page.get_by_label("Ansvarig part").select_option(label=d["gnesta"])
        page.get_by_label("Klart senast").fill("2027-02-28")
        page.get_by_role("button", name="Spara", exact=True).click()
        expect(page.get_by_text("Uppföljningspunkten är sparad.")).to_be_visible()

        box = phone.locator("#phone-followups")
        expect(box).to_be_visible()
        expect(box).to_contain_text("Skyddsbedömning samma dag")
        expect(box).to_contain_text("Gnesta · klart senast 2027-02-28 · Överenskommen")
        assert_accessible(phone)
        _shot(phone, "followups-phone-390.png")
    finally:
        phone_ctx.close()
