"""The whole cycle in one browser run: a live meeting → two follow-up items → close → the
minutes PDF holds the items → board A updates its item through its review link with a comment
and a file → IVO's overview shows it. Board B's link can neither see nor change A's items,
through its pages or by calling the endpoints directly."""

import io
import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import assert_accessible, browser_login
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy.orm import Session

pytestmark = pytest.mark.xdist_group("live")
TIMEOUT = 15_000
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ITEM_A = "Förhandsbedömningar inom 14 dagar i Gnesta"
ITEM_B = "Skyddsbedömningen dokumenteras samma dag i Nyköping"


def _live_dialogue(database_url: str, admin_email: str) -> dict:
    from facilitator.accounts.models import User
    from facilitator.dialogues import codes
    from facilitator.dialogues.models import AgendaItem, Dialogue, DialogueStatus, Reflection
    from facilitator.organizations.models import Organization

    suffix = uuid.uuid4().hex[:6]
    engine = sa.create_engine(database_url)
    with Session(engine) as s:
        admin = s.scalar(sa.select(User).where(User.email == admin_email))
        a = Organization(name=f"Socialnämnden i Gnesta {suffix}", short_name="Gnesta",
                         kind="kommun")
        b = Organization(name=f"Socialnämnden i Nyköping {suffix}", short_name="Nyköping",
                         kind="kommun")
        code = "".join(codes.ALPHABET[int(c, 16) % len(codes.ALPHABET)]
                       for c in uuid.uuid4().hex[:codes.LENGTH])
        dialogue = Dialogue(title=f"Återföringsdialog Sörmland {suffix}",
                            status=DialogueStatus.LIVE, join_code=code,
                            organizations=[a, b], facilitators=[admin])
        reflection = Reflection(dialogue=dialogue, kind="deficiency", position=0,
                                title="Förhandsbedömningar dröjer",
                                evidence="6 av 10 granskade förhandsbedömningar")
        s.add_all([a, b, dialogue, reflection,
                   AgendaItem(dialogue=dialogue, position=0, title="Förhandsbedömningarna",
                              reflections=[reflection])])
        s.commit()
        data = {"id": dialogue.id, "a": a.name, "b": b.name}
    engine.dispose()
    return data


def _item_status(database_url: str, title: str) -> str:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        status = conn.execute(sa.text("SELECT status FROM followup_items WHERE title = :t"),
                              {"t": title}).scalar_one()
    engine.dispose()
    return status


def _new_item(page, url, dialogue_id, title, board):
    page.goto(f"{url}/dialoger/{dialogue_id}/uppfoljning/ny")
    page.get_by_label("Vad ska göras?").fill(title)
    page.get_by_label("Ansvarig part").select_option(label=board)
    page.get_by_label("Ansvarig roll").fill("enhetschef barn och unga")
    page.get_by_label("Klart senast").fill("2027-06-30")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_text("Uppföljningspunkten är sparad.")).to_be_visible()


def _review_link(page, url, dialogue_id, board) -> str:
    page.goto(f"{url}/dialoger/{dialogue_id}/uppfoljning")
    page.get_by_label("Nämnd", exact=True).select_option(label=board)
    page.get_by_role("button", name="Skapa länk").click()
    return page.locator("#new-link-url").input_value()


def test_from_the_meeting_to_the_boards_report(live_server, browser, page):
    d = _live_dialogue(live_server.database_url, live_server.email)
    url = live_server.url
    page.set_default_timeout(TIMEOUT)
    browser_login(page, live_server)

    # During the meeting: two follow-up items, one per board.
    _new_item(page, url, d["id"], ITEM_A, d["a"])
    _new_item(page, url, d["id"], ITEM_B, d["b"])

    # Close the meeting from the console; the minutes' PDF holds both items.
    page.goto(f"{url}/dialoger/{d['id']}/mote")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Stäng mötet").click()
    expect(page).to_have_url(re.compile(r"/protokoll/v1$"), timeout=TIMEOUT)
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner som PDF").click()
    pdf = Path(info.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    squashed = re.sub(r"[\s\-\u00ad\u2010]+", "", text)  # cells hyphenate (Swedish rules)
    assert all(re.sub(r"[\s\-]+", "", item) in squashed for item in (ITEM_A, ITEM_B))

    # Each board gets its own review link.
    link_a = _review_link(page, url, d["id"], d["a"])
    link_b = _review_link(page, url, d["id"], d["b"])
    assert link_a != link_b

    board_a_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")
    board_b_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    try:
        board_a = board_a_ctx.new_page()
        board_a.set_default_timeout(TIMEOUT)
        board_a.goto(link_a)
        expect(board_a.get_by_role("link", name=ITEM_B)).to_have_count(0)
        board_a.get_by_role("link", name=ITEM_A).click()
        item_a_url = board_a.url
        board_a.get_by_label("Ny status").select_option(label="Pågår")
        board_a.get_by_label("Kommentar: vad har gjorts?").fill(
            "Ny rutin för förhandsbedömning är beslutad i nämnden.")
        board_a.get_by_role("button", name="Spara", exact=True).click()
        expect(board_a.get_by_text("Status är ändrad.")).to_be_visible()
        board_a.get_by_label(re.compile("^Fil ")).set_input_files(
            {"name": "Rutin.pdf", "mimeType": "application/pdf", "buffer": PDF})
        board_a.get_by_role("button", name="Spara", exact=True).click()
        expect(board_a.get_by_role("link", name="Rutin.pdf")).to_be_visible()
        assert_accessible(board_a)

        # Board B: its pages do not show A's item, and its link opens nothing of A's.
        board_b = board_b_ctx.new_page()
        board_b.set_default_timeout(TIMEOUT)
        board_b.goto(link_b)
        expect(board_b.get_by_role("link", name=ITEM_B)).to_be_visible()
        expect(board_b.get_by_text(ITEM_A)).to_have_count(0)
        item_a_id = item_a_url.rstrip("/").rsplit("/", 1)[-1]
        token_b = link_b.rstrip("/").rsplit("/", 1)[-1]
        stolen = f"{url}/granskning/{token_b}/punkt/{item_a_id}"
        assert board_b.goto(stolen).status == 404
        board_b.goto(link_b)
        board_b.get_by_role("link", name=ITEM_B).click()
        csrf = board_b.locator("input[name=csrf_token]").first.input_value()
        for action, form in (
            ("status", {"status": "done", "comment": "Klart, enligt B."}),
            ("comment", {"comment": "B skriver på A:s punkt."}),
            ("evidence", {"text": "B:s underlag", "url": "https://example.org"}),
        ):
            answer = board_b_ctx.request.post(f"{stolen}/{action}",
                                              form={"csrf_token": csrf, **form})
            assert answer.status in (403, 404), (action, answer.status)
        assert _item_status(live_server.database_url, ITEM_A) == "in_progress"
    finally:
        board_a_ctx.close()
        board_b_ctx.close()

    # IVO's overview shows board A's update.
    page.goto(f"{url}/uppfoljning")
    row = page.locator("tr", has_text=ITEM_A)
    expect(row).to_contain_text("Pågår")
    page.goto(item_a_url.replace(f"/granskning/{link_a.rsplit('/', 1)[-1]}", "/uppfoljning"))
    expect(page.get_by_text("Ny rutin för förhandsbedömning")).to_be_visible()
    expect(page.get_by_role("link", name="Rutin.pdf")).to_be_visible()
