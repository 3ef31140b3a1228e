"""Done when: a live meeting in real Chromium against the real server (gunicorn + gevent).

A facilitator's console (1366x768), the room's projector (1920x1080) and three phones
(390x844) from two boards: questions pass moderation and reach the phones and the projector,
votes change counts, a stance poll opens and closes and the projector shows the spread by role
and by board, and the agenda advances on every screen.
"""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from conftest import assert_accessible, browser_login
from playwright.sync_api import expect
from sqlalchemy.orm import Session

SHOTS = Path("/tmp/shots")
TIMEOUT = 15_000


def _make_meeting(database_url: str, admin_email: str) -> dict:
    """A published dialogue with two boards, three reflections and a three-item agenda."""
    from facilitator.accounts.models import User
    from facilitator.dialogues import codes
    from facilitator.dialogues.models import AgendaItem, Dialogue, DialogueStatus, Reflection
    from facilitator.organizations.models import Organization

    suffix = uuid.uuid4().hex[:6]
    engine = sa.create_engine(database_url)
    with Session(engine) as s:
        admin = s.scalar(sa.select(User).where(User.email == admin_email))
        gnesta = Organization(name=f"Socialnämnden i Gnesta {suffix}", short_name="Gnesta",
                              kind="kommun")
        nykoping = Organization(name=f"Socialnämnden i Nyköping {suffix}",
                                short_name="Nyköping", kind="kommun")
        code = "".join(codes.ALPHABET[int(c, 16) % len(codes.ALPHABET)]
                       for c in uuid.uuid4().hex[:codes.LENGTH])
        dialogue = Dialogue(
            title="Återföringsdialog Sörmland", purpose="IVO:s iakttagelser", join_code=code,
            status=DialogueStatus.PUBLISHED, premoderation=True, show_board_results=True,
            organizations=[gnesta, nykoping], facilitators=[admin],
        )
        r1 = Reflection(dialogue=dialogue, kind="deficiency", position=0,
                        title="Förhandsbedömningar dröjer",
                        body_md="Beslut fattas ofta efter **14 dagar**.",
                        legal_basis="SoL 11 kap. 1 a §",
                        evidence="6 av 10 granskade förhandsbedömningar")
        r2 = Reflection(dialogue=dialogue, kind="positive", position=1,
                        title="Barnen kommer till tals", body_md="Barnsamtal dokumenteras.",
                        legal_basis="SoL 11 kap. 10 §", evidence="9 av 10 utredningar")
        r3 = Reflection(dialogue=dialogue, kind="concern", position=2,
                        title="Skyddsbedömning samma dag", body_md="Ibland saknas den.",
                        evidence="3 av 10 anmälningar")
        items = [
            AgendaItem(dialogue=dialogue, position=0, title="Förhandsbedömningarna",
                       planned_minutes=20, reflections=[r1]),
            AgendaItem(dialogue=dialogue, position=1, title="Barnets röst",
                       planned_minutes=15, reflections=[r2]),
            AgendaItem(dialogue=dialogue, position=2, title="Avslutning och uppföljning",
                       planned_minutes=10, reflections=[r3]),
        ]
        s.add_all([gnesta, nykoping, dialogue, r1, r2, r3, *items])
        s.commit()
        data = {"id": dialogue.id, "code": code, "items": [i.id for i in items],
                "reflections": [r1.id, r2.id, r3.id]}
    engine.dispose()
    return data


def _age_current_item(database_url: str, item_id: int, seconds: int) -> None:
    """Pretend the current item has run for `seconds` (to see the over-time cue)."""
    from facilitator.core.clock import utcnow
    from facilitator.meetings.models import ItemTiming

    engine = sa.create_engine(database_url)
    with Session(engine) as s:
        timing = s.scalar(sa.select(ItemTiming).where(ItemTiming.agenda_item_id == item_id,
                                                      ItemTiming.ended_at.is_(None)))
        timing.started_at = utcnow() - timedelta(seconds=seconds)
        s.commit()
    engine.dispose()


def _phone(browser, server, code, board, role):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{server.url}/m/{code}")
    page.get_by_label("Nämnd").select_option(label=board)
    page.get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Gå med").click()
    page.wait_for_load_state()
    page.goto(f"{server.url}/m/{code}/mote")
    expect(page.locator("#phone-status-text")).to_have_text("Ansluten", timeout=TIMEOUT)
    return context, page


def _ask(phone, text):
    phone.fill("#question-text", text)
    phone.click("#form-question button[type=submit]")


def _queue_item(console, text):
    return console.locator(".queue-item", has_text=text)


def test_a_live_meeting_on_every_screen(live_server, browser, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    meeting = _make_meeting(live_server.database_url, live_server.email)
    contexts = []
    try:
        # --- the console ---------------------------------------------------------------
        console = page
        console.on("dialog", lambda dialog: dialog.accept())
        script_errors = []
        console.on("pageerror", lambda error: script_errors.append(f"console: {error}"))
        browser_login(console, live_server)
        console.goto(f"{live_server.url}/dialoger/{meeting['id']}")
        console.get_by_role("link", name="Led mötet").click()
        expect(console.locator("#c-connection")).to_have_text("Ansluten", timeout=TIMEOUT)
        expect(console.locator("#c-start")).to_be_visible()

        # The projector link: made once, shown once with a copy button.
        console.get_by_role("button", name="Skapa ny projektorlänk").click()
        url_box = console.locator("#projector-url")
        expect(url_box).to_be_visible()
        projector_url = url_box.input_value()
        assert "/projektor/" in projector_url
        expect(console).not_to_have_url(re.compile("projektor="))  # a reload shows it no more

        # --- the projector ----------------------------------------------------------------
        pj_context = browser.new_context(viewport={"width": 1920, "height": 1080},
                                         locale="sv-SE")
        contexts.append(pj_context)
        projector = pj_context.new_page()
        projector.on("pageerror", lambda error: script_errors.append(f"projector: {error}"))
        projector.goto(projector_url)
        expect(projector.locator(".pj-code")).to_have_text(meeting["code"])
        expect(projector.locator(".pj-url")).to_contain_text("/delta")
        expect(projector.locator("#pj-item")).to_have_text("Mötet börjar snart", timeout=TIMEOUT)

        # --- three phones from two boards ----------------------------------------------------
        phones = []
        for board, role in (("Gnesta", "Socialsekreterare"), ("Gnesta", "Chef"),
                            ("Nyköping", "Politiker")):
            context, phone = _phone(browser, live_server, meeting["code"], board, role)
            contexts.append(context)
            phones.append(phone)

        # --- start the meeting: every screen shows the first item -----------------------------
        console.get_by_role("button", name="Starta mötet").click()
        expect(console.locator("#c-current-title")).to_have_text("Förhandsbedömningarna",
                                                                 timeout=TIMEOUT)
        expect(console.locator("#c-status-text")).to_have_text("Pågående möte")
        expect(projector.locator("#pj-item")).to_have_text("Förhandsbedömningarna",
                                                           timeout=TIMEOUT)
        expect(projector.locator(".pj-reflection-title")).to_have_text(
            "Förhandsbedömningar dröjer")
        for phone in phones:
            expect(phone.locator("#phone-now")).to_contain_text("Förhandsbedömningarna",
                                                                timeout=TIMEOUT)

        # --- questions pass moderation ----------------------------------------------------------
        q1 = "Hur snabbt ska förhandsbedömningen vara klar?"
        _ask(phones[0], q1)
        item = _queue_item(console, q1)
        expect(item).to_be_visible(timeout=TIMEOUT)
        expect(console.locator("#c-pending")).to_contain_text(q1)
        # Not shown to the room before a facilitator has approved it.
        expect(phones[1].locator("#phone-questions")).not_to_contain_text(q1)
        expect(projector.locator("#pj-questions")).not_to_contain_text(q1)
        item.get_by_role("button", name="Godkänn").click()
        expect(console.locator("#c-approved")).to_contain_text(q1, timeout=TIMEOUT)
        for phone in phones[1:]:
            expect(phone.locator("#phone-questions")).to_contain_text(q1, timeout=TIMEOUT)
        expect(projector.locator("#pj-questions")).to_contain_text(q1, timeout=TIMEOUT)

        # A personnummer is caught: flagged in the queue, fixed inline, then approved.
        q2 = "Vad gäller för barnet 121212-1212 när vårdnadshavaren flyttar?"
        phones[2].fill("#question-text", q2)
        phones[2].click("#form-question button[type=submit]")
        phones[2].click("#form-question button[type=submit]")  # the phone warned once
        flagged = _queue_item(console, "121212-1212")
        expect(flagged).to_contain_text(
            "Kan innehålla personnummer – redigera innan godkännande", timeout=TIMEOUT)
        expect(flagged.get_by_role("button", name="Godkänn")).to_have_count(0)
        flagged.scroll_into_view_if_needed()
        console.screenshot(path=str(SHOTS / "console-flagged.png"))
        flagged.get_by_role("button", name="Rätta texten").click()
        fixed = "Vad gäller för barnet när vårdnadshavaren flyttar?"
        console.get_by_label("Rättad text").fill(fixed)
        console.get_by_role("button", name="Spara rättelsen").click()
        fixed_item = _queue_item(console, fixed)
        expect(fixed_item).not_to_contain_text("Kan innehålla personnummer", timeout=TIMEOUT)
        fixed_item.get_by_role("button", name="Godkänn").click()
        expect(projector.locator("#pj-questions")).to_contain_text(fixed, timeout=TIMEOUT)
        expect(projector.locator("body")).not_to_contain_text("121212-1212")
        expect(phones[0].locator("#phone-questions")).to_contain_text(fixed, timeout=TIMEOUT)

        # A duplicate is merged into the first question (with a confirmation).
        dup = "Hur fort måste förhandsbedömningen göras?"
        _ask(phones[1], dup)
        dup_item = _queue_item(console, dup)
        expect(dup_item).to_be_visible(timeout=TIMEOUT)
        dup_item.get_by_role("button", name="Fler åtgärder").click()
        dup_item.get_by_role("button", name="Slå ihop …").click()
        into = console.get_by_label("Slå ihop med")
        into.select_option(into.locator("option", has_text=q1[:40]).get_attribute("value"))
        dup_item.get_by_role("button", name="Slå ihop", exact=True).click()
        expect(console.locator("#c-hidden")).to_contain_text(dup, timeout=TIMEOUT)

        # --- votes change counts on every screen -------------------------------------------------
        def votes_on_projector(text):
            return projector.locator(".pj-q", has_text=text).locator(".pj-count")

        # The duplicate's asker counts as a vote for the first question.
        expect(votes_on_projector(q1)).to_have_text("1", timeout=TIMEOUT)
        phones[2].locator("#phone-questions li", has_text=q1).locator(
            "button[data-vote]").click()
        expect(votes_on_projector(q1)).to_have_text("2", timeout=TIMEOUT)
        expect(_queue_item(console, q1)).to_contain_text("2 röster", timeout=TIMEOUT)
        expect(phones[0].locator("#phone-questions li", has_text=q1)).to_contain_text(
            "2", timeout=TIMEOUT)
        # The most voted question comes first on the projector.
        expect(projector.locator(".pj-q").first).to_contain_text(q1)

        # Pin the second question: the projector highlights it.
        _queue_item(console, fixed).get_by_role("button", name="Fäst på projektorn").click()
        expect(projector.locator("#pj-focus")).to_be_visible(timeout=TIMEOUT)
        expect(projector.locator("#pj-focus-text")).to_have_text(fixed)

        # --- a stance poll, results only when it closes ----------------------------------------
        console.get_by_label("Först när omröstningen stängs").check()
        expect(console.get_by_label("Reflektion att rösta om")).to_have_value(
            str(meeting["reflections"][0]))
        console.get_by_role("button", name="Öppna omröstning").click()
        expect(console.locator("#c-poll-state")).to_contain_text("Öppen", timeout=TIMEOUT)
        expect(projector.locator("#pj-poll-state")).to_contain_text(
            "Resultatet visas när omröstningen stängs", timeout=TIMEOUT)
        for phone, value in zip(phones, ("agree", "disagree", "partly"), strict=True):
            expect(phone.locator("#phone-poll")).to_be_visible(timeout=TIMEOUT)
            phone.locator(f"input[name=live-stance][value={value}]").check()
        # The facilitator sees the answers come in; the room does not yet.
        expect(console.locator("#c-results-n")).to_have_text("3 svar", timeout=TIMEOUT)
        # One answer per role, at most two per board: too few to show any group on its own.
        expect(console.locator("#c-results-role .stance-withheld")).to_have_text(
            "För få svar för att visa per grupp.")
        expect(console.locator("#c-results-role tbody.stance-groups tr")).to_have_count(0)
        expect(console.locator("#c-results-board tbody.stance-groups tr")).to_have_count(0)
        expect(projector.locator("#pj-results")).to_be_hidden()
        console.get_by_role("button", name="Stäng omröstningen").click()
        expect(projector.locator("#pj-poll-state")).to_contain_text(
            "Omröstningen är stängd. 3 svar.", timeout=TIMEOUT)
        # One bar per group, "Alla" first; each row says all its numbers to a screen reader.
        alla = projector.locator(".pj-row-all")
        expect(alla).to_be_visible(timeout=TIMEOUT)
        expect(alla.locator(".pj-row-n")).to_have_text("3 svar")
        for value in ("agree", "partly", "disagree"):
            expect(alla.locator(f".seg-{value}")).to_have_class(re.compile(r"\bg-33\b"))
            expect(alla.locator(f".seg-{value}")).to_contain_text("33\u00a0%")
        expect(alla.locator(".seg-unknown")).to_have_class(re.compile(r"\bg-0\b"))
        expect(alla).to_contain_text("Alla, 3 svar: Håller med 1 (33\u00a0%), Delvis 1 (33\u00a0%)")
        # Every group has one answer: none is shown on its own, and the screen says why.
        expect(projector.locator(".pj-row")).to_have_count(1)
        expect(projector.locator("#pj-withheld")).to_have_text(
            "För få svar för att visa per grupp.")
        assert_accessible(projector)
        projector.screenshot(path=str(SHOTS / "projector-1920x1080.png"))

        # --- the agenda advances on every screen ------------------------------------------------
        console.get_by_role("button", name="Nästa punkt").click()
        expect(console.locator("#c-current-title")).to_have_text("Barnets röst",
                                                                 timeout=TIMEOUT)
        expect(projector.locator("#pj-item")).to_have_text("Barnets röst", timeout=TIMEOUT)
        expect(projector.locator("#pj-position")).to_contain_text("Punkt 2 av 3")
        for phone in phones:
            expect(phone.locator("#phone-now")).to_contain_text("Barnets röst", timeout=TIMEOUT)
        # Go to any item, from the list.
        console.locator("#c-agenda li", has_text="Avslutning").get_by_role(
            "button", name="Gå till").click()
        expect(projector.locator("#pj-item")).to_have_text("Avslutning och uppföljning",
                                                           timeout=TIMEOUT)
        for phone in phones:
            expect(phone.locator("#phone-now")).to_contain_text("Avslutning och uppföljning",
                                                                timeout=TIMEOUT)

        # Over time: the console says so in words.
        _age_current_item(live_server.database_url, meeting["items"][2], 10 * 60 + 140)
        console.reload()
        expect(console.locator("#c-over")).to_have_text("3 min över", timeout=TIMEOUT)

        # Intake closes for everyone.
        console.get_by_role("button", name="Stäng för nya inlägg").click()
        expect(console.locator("#c-intake-state")).to_contain_text("Stängt", timeout=TIMEOUT)
        expect(phones[0].locator("#intake-closed")).to_be_visible(timeout=TIMEOUT)

        # The audit log names what happened.
        expect(_queue_item(console, fixed)).to_be_visible(timeout=TIMEOUT)
        assert_accessible(console)
        console.evaluate("window.scrollTo(0, 0)")
        console.screenshot(path=str(SHOTS / "console-1366x768.png"))
        console.screenshot(path=str(SHOTS / "console-1366-full.png"), full_page=True)
        console.get_by_role("link", name="Händelselogg för dialogen").click()
        expect(console.locator("h1")).to_have_text("Händelselogg")
        expect(console.locator("table")).to_contain_text("Ett inläggs text rättades")
        # The original, for the record, without the personnummer (the log keeps none).
        expect(console.locator("table")).to_contain_text(q2.replace("121212-1212",
                                                                    "[personnummer]"))
        expect(console.locator("table")).to_contain_text("Personnummer har tagits bort")
        expect(console.locator("table")).not_to_contain_text("121212-1212")
        expect(console.locator("table")).to_contain_text("Ett inlägg slogs ihop med ett annat")
        console.screenshot(path=str(SHOTS / "audit-1366.png"))
        assert_accessible(console)
        assert script_errors == []
    finally:
        for context in contexts:
            context.close()
