"""IVO records its decision with a deadline and two required deficiencies; the board's page
counts down and says what lacks a measure; the board fills both in (one form, one save) and
submits; IVO acknowledges; both steps are in the history; the redovisning's PDF and DOCX hold
the measures, timetables and responsible roles. axe finds nothing on the two pages."""

import io
import re
import uuid
from datetime import timedelta

import sqlalchemy as sa
from conftest import assert_accessible, browser_login
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy.orm import Session

from facilitator.core.clock import today_local

TIMEOUT = 15_000
FIRST = "Förhandsbedömningar dröjer mer än 14 dagar"
SECOND = "Barnets inställning hämtas inte in"
MEASURE_1 = "Veckovis genomgång av alla förhandsbedömningar som närmar sig 14 dagar."
MEASURE_2 = "Mall för barnsamtal i varje utredning, granskad av arbetsledaren."


def _closed_dialogue(database_url: str, admin_email: str) -> dict:
    from facilitator.accounts.models import User
    from facilitator.dialogues.models import Dialogue, DialogueStatus, Reflection
    from facilitator.organizations.models import Organization

    suffix = uuid.uuid4().hex[:6]
    engine = sa.create_engine(database_url)
    with Session(engine) as s:
        admin = s.scalar(sa.select(User).where(User.email == admin_email))
        gnesta = Organization(name=f"Socialnämnden i Gnesta kommun {suffix}",
                              short_name="Gnesta", kind="kommun")
        dialogue = Dialogue(title=f"Återföringsdialog Gnesta {suffix}",
                            status=DialogueStatus.CLOSED, organizations=[gnesta],
                            facilitators=[admin])
        s.add_all([gnesta, dialogue,
                   Reflection(dialogue=dialogue, kind="deficiency", position=0, title=FIRST,
                              legal_basis="SoL 11 kap. 1 a §"),
                   Reflection(dialogue=dialogue, kind="deficiency", position=1, title=SECOND,
                              legal_basis="SoL 11 kap. 10 §"),
                   Reflection(dialogue=dialogue, kind="positive", position=2,
                              title="Snabba skyddsbedömningar")])
        s.commit()
        data = {"id": dialogue.id, "board": gnesta.name}
    engine.dispose()
    return data


def _fill(page, title, text, timetable, role):
    group = page.get_by_role("group", name=re.compile(re.escape(title)))
    group.get_by_label("Åtgärd", exact=True).fill(text)
    group.get_by_label("Vidtagen").check()
    group.get_by_label("Tidplan").fill(timetable)
    group.get_by_label("Ansvarig roll").fill(role)
    group.get_by_label("Pågår").check()


def test_decision_deadline_measures_submit_and_acknowledge(live_server, browser, page):
    d = _closed_dialogue(live_server.database_url, live_server.email)
    url = live_server.url
    page.set_default_timeout(TIMEOUT)
    browser_login(page, live_server)
    due = today_local() + timedelta(days=30)

    # IVO records the decision.
    page.goto(f"{url}/dialoger/{d['id']}/beslut")
    page.get_by_label("Beslutsdatum").fill(today_local().isoformat())
    page.get_by_label("Diarienummer").fill("8.5-12345/2019")
    page.get_by_label("Redovisas senast").fill(due.isoformat())
    page.get_by_label(FIRST).check()
    page.get_by_label(SECOND).check()
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_text("Beslutet är sparat.")).to_be_visible()
    assert_accessible(page)

    # A review link for the board.
    page.goto(f"{url}/dialoger/{d['id']}/uppfoljning")
    page.get_by_label("Nämnd", exact=True).select_option(label=d["board"])
    page.get_by_role("button", name="Skapa länk").click()
    link = page.locator("#new-link-url").input_value()

    board = browser.new_page()
    board.set_default_timeout(TIMEOUT)
    try:
        board.goto(link)
        board.get_by_role("link", name="Beslut och redovisning").click()
        expect(board.locator(".decision-countdown")).to_contain_text("30 dagar kvar")
        expect(board.locator(".decision-countdown")).to_contain_text("2 brister saknar åtgärd")
        # Submitting is refused while something lacks a measure.
        board.once("dialog", lambda dialog: dialog.accept())
        board.get_by_role("button", name="Skicka in redovisningen").click()
        expect(board.get_by_text("Redovisningen kan inte skickas in")).to_be_visible()

        # Leaving with typed text asks first; staying keeps the text.
        first = board.get_by_role("group", name=re.compile(re.escape(FIRST)))
        first.get_by_label("Åtgärd", exact=True).fill("Utkast")
        asked = []

        def stay(dialog):
            asked.append(dialog.type)
            dialog.dismiss()

        board.once("dialog", stay)
        board.get_by_role("link", name="Nämndens uppföljning").click(no_wait_after=True)
        expect(first.get_by_label("Åtgärd", exact=True)).to_have_value("Utkast")
        assert asked == ["beforeunload"]

        _fill(board, FIRST, MEASURE_1, "Införd 1 mars, följs upp i juni", "Enhetschef mottagning")
        board.get_by_role("button", name="Spara åtgärderna").click()
        expect(board.get_by_text("Åtgärderna är sparade.")).to_be_visible()
        expect(board.locator(".decision-countdown")).to_contain_text("1 brist saknar åtgärd")

        # Half a measure: refused, and the typed text stays in the form.
        group = board.get_by_role("group", name=re.compile(re.escape(SECOND)))
        group.get_by_label("Åtgärd", exact=True).fill(MEASURE_2)
        board.get_by_role("button", name="Spara åtgärderna").click()
        expect(group.get_by_text("Ange en tidplan.")).to_be_visible()
        expect(group.get_by_label("Åtgärd", exact=True)).to_have_value(MEASURE_2)

        _fill(board, SECOND, MEASURE_2, "Från 1 april", "Arbetsledare utredning")
        board.get_by_role("button", name="Spara åtgärderna").click()
        expect(board.get_by_text("Åtgärderna är sparade.")).to_be_visible()
        expect(board.locator(".decision-countdown")).not_to_contain_text("saknar åtgärd")
        assert_accessible(board)
        board.once("dialog", lambda dialog: dialog.accept())
        board.get_by_role("button", name="Skicka in redovisningen").click()
        expect(board.get_by_text("inskickad till IVO som version 1")).to_be_visible()
        expect(board.locator(".decision-history")).to_contain_text("Version 1 skickades in")

        # IVO acknowledges; the history shows both steps, on both sides.
        page.goto(f"{url}/dialoger/{d['id']}/beslut")
        expect(page.locator(".decision-history")).to_contain_text("Version 1 skickades in")
        page.get_by_label("Bekräfta att redovisningen är mottagen").check()
        page.get_by_role("button", name=re.compile("Skicka beskedet")).click()
        expect(page.get_by_text("Ditt besked om version 1 är sparat")).to_be_visible()
        history = page.locator(".decision-history")
        expect(history).to_contain_text("Version 1 skickades in")
        expect(history).to_contain_text("IVO bekräftade att version 1 är mottagen")
        board.reload()
        expect(board.locator(".decision-history")).to_contain_text(
            "IVO bekräftade att version 1 är mottagen")

        # The redovisning's documents hold the measures, timetables and responsible roles.
        pdf = board.context.request.get(link + "/redovisning.pdf").body()
        text = re.sub(r"[\s\-\u00ad\u2010]+", "", " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
        docx = Document(io.BytesIO(board.context.request.get(link + "/redovisning.docx").body()))
        cells = " ".join(cell.text for t in docx.tables for row in t.rows for cell in row.cells)
        for expected in (MEASURE_1, MEASURE_2, "Införd 1 mars, följs upp i juni", "Från 1 april",
                         "Enhetschef mottagning", "Arbetsledare utredning", "8.5-12345/2019"):
            assert re.sub(r"[\s\-]+", "", expected) in text, expected
            assert expected in cells, expected
    finally:
        board.close()
