"""The phone in the room (390x844, real Chromium against the real server): from the join link
to a focused question field in a few counted taps, the live view on arrival, an opened poll on
the first screen within a second and answered with one tap; and the console moderated by
keyboard, with its count of connected phones (1366x768)."""

import os
import time
import uuid

import pytest
from conftest import assert_accessible, browser_login
from helpers_dialogues import make_dialogue, make_item, make_org, make_reflection
from playwright.sync_api import expect
from sqlalchemy import select
from test_live_phone import call, facilitator_socket

from facilitator import create_app
from facilitator.accounts.models import User
from facilitator.contributions.models import Stance
from facilitator.dialogues import services as dialogue_services
from facilitator.extensions import db

SHOTS = "/tmp/shots"
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "sv-SE", "is_mobile": True,
         "has_touch": True}


@pytest.fixture(scope="module")
def room(live_server):
    """Three published dialogues: one with one board, two with the same two boards."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": live_server.database_url,
                                 "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == live_server.email))
        suffix = uuid.uuid4().hex[:6]
        gnesta = make_org(user, name=f"Socialnämnden i Gnesta {suffix}",
                          short_name=f"Gnesta {suffix}")
        trosa = make_org(user, name=f"Socialnämnden i Trosa {suffix}",
                         short_name=f"Trosa {suffix}")
        one = make_dialogue(user, title="Återföringsdialog Gnesta",
                            organization_ids=[str(gnesta.id)], premoderation=True)
        late = make_reflection(user, one, title="Förhandsbedömningar dröjer",
                               evidence="6 av 10 granskade förhandsbedömningar",
                               body_md="Beslut fattas ofta efter **14 dagar**.\n\n" * 12)
        make_item(user, one, title="Förhandsbedömningarna", minutes=20,
                  description="IVO går igenom vad granskningen visade.",
                  reflection_ids=[str(late.id)])
        dialogue_services.transition(user, one.id, "published")
        db.session.commit()  # the entry point commits
        several = []
        for title in ("Återföringsdialog Sörmland", "Uppföljning Sörmland"):
            d = make_dialogue(user, title=title, premoderation=False,
                              organization_ids=[str(gnesta.id), str(trosa.id)])
            make_reflection(user, d, title="Barnen kommer till tals")
            make_item(user, d, title="Inledning")
            dialogue_services.transition(user, d.id, "published")
            dialogue_services.transition(user, d.id, "live")
            db.session.commit()  # the entry point commits
            several.append({"id": d.id, "code": d.join_code})
        db.session.commit()  # the entry point commits (services only flush)
        info = {"one": {"id": one.id, "code": one.join_code}, "several": several,
                "late": late.id, "gnesta": gnesta.short_name, "gnesta_id": gnesta.id,
                "trosa": trosa.short_name, "trosa_id": trosa.id}

    def stances(reflection_id: int) -> list[str]:
        with app.app_context():
            return [str(s.value) for s in db.session.scalars(
                select(Stance).where(Stance.reflection_id == reflection_id))]

    info["stances"] = stances
    return info


class Taps:
    """Every tap the test makes on the phone, counted: the number is what is asserted."""

    def __init__(self):
        self.n = 0

    def tap(self, locator):
        locator.tap()
        self.n += 1

    def choose(self, select_box, label):
        # A native list: one tap opens it, one picks the board.
        select_box.select_option(label=label)
        self.n += 2


def to_question_field(page, taps):
    # The page has loaded (as a person sees it) before the tap.
    expect(page.locator("#phone-status")).to_have_attribute("data-state", "connected")
    taps.tap(page.get_by_role("link", name="Ställ en fråga"))
    expect(page.get_by_label("Din fråga")).to_be_focused()


def test_join_link_to_a_focused_question_field_in_few_taps(live_server, room, browser):
    os.makedirs(SHOTS, exist_ok=True)
    contexts = []
    fac = facilitator_socket(live_server, room["one"]["id"])
    try:
        call(fac, "agenda", {"action": "start"})
        # One board: it is chosen already; the role and "Gå med", then "Ställ en fråga".
        contexts.append(browser.new_context(**PHONE))
        phone = contexts[-1].new_page()
        taps = Taps()
        phone.goto(f"{live_server.url}/m/{room['one']['code']}")
        expect(phone.get_by_label("Nämnd")).to_have_value(str(room["gnesta_id"]))
        taps.tap(phone.get_by_label("Socialsekreterare", exact=True))
        taps.tap(phone.get_by_role("button", name="Gå med"))
        # The meeting is live: the live view, not the pre-read (which is one tap away).
        expect(phone).to_have_url(f"{live_server.url}/m/{room['one']['code']}/mote")
        expect(phone.locator("#phone-now")).to_contain_text("Förhandsbedömningarna")
        expect(phone.get_by_role("link", name="Förberedelsen")).to_be_visible()
        to_question_field(phone, taps)
        assert taps.n == 3 <= 4

        # The join link again, on the same phone: straight to the live view.
        phone.goto(f"{live_server.url}/m/{room['one']['code']}")
        expect(phone).to_have_url(f"{live_server.url}/m/{room['one']['code']}/mote")

        # Several boards: board and role on one screen.
        contexts.append(browser.new_context(**PHONE))
        other = contexts[-1].new_page()
        taps = Taps()
        first, second = room["several"]
        other.goto(f"{live_server.url}/m/{first['code']}")
        taps.choose(other.get_by_label("Nämnd"), room["trosa"])
        taps.tap(other.get_by_label("Politiker", exact=True))
        taps.tap(other.get_by_role("button", name="Gå med"))
        expect(other).to_have_url(f"{live_server.url}/m/{first['code']}/mote")
        to_question_field(other, taps)
        assert taps.n == 5

        # The next dialogue on that phone remembers board and role: "Gå med" is enough.
        taps = Taps()
        other.goto(f"{live_server.url}/m/{second['code']}")
        expect(other.get_by_label("Nämnd")).to_have_value(str(room["trosa_id"]))
        expect(other.get_by_label("Politiker", exact=True)).to_be_checked()
        taps.tap(other.get_by_role("button", name="Gå med"))
        expect(other).to_have_url(f"{live_server.url}/m/{second['code']}/mote")
        expect(other.locator("#phone-me")).to_contain_text(room["trosa"])
        to_question_field(other, taps)
        assert taps.n == 2
    finally:
        fac.disconnect()
        for context in contexts:
            context.close()


def test_an_opened_poll_is_on_the_first_screen_within_a_second(live_server, room, browser):
    os.makedirs(SHOTS, exist_ok=True)
    context = browser.new_context(**PHONE)
    # Record vibrations: headless Chromium has no motor.
    context.add_init_script(
        "window.__vibrations = []; navigator.vibrate = function (p) {"
        " window.__vibrations.push(p); return true; };")
    phone = context.new_page()
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    fac = facilitator_socket(live_server, room["one"]["id"])
    try:
        call(fac, "agenda", {"action": "start"})
        phone.goto(f"{live_server.url}/m/{room['one']['code']}")
        phone.get_by_label("Chef", exact=True).tap()
        phone.get_by_role("button", name="Gå med").tap()
        expect(phone.locator("#phone-status")).to_have_attribute("data-state", "connected")
        card = phone.locator("#phone-poll")
        expect(card).to_be_hidden()
        # Reading far down the page when the facilitator opens the poll.
        phone.get_by_text("Läs hela reflektionen").first.tap()
        phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        assert phone.evaluate("window.scrollY") > 400

        opened = time.monotonic()
        call(fac, "poll", {"action": "open", "reflection_id": room["late"],
                           "results_live": True})
        phone.wait_for_function(
            """() => {
                const card = document.getElementById('phone-poll');
                if (card.hidden) { return false; }
                const box = card.getBoundingClientRect();
                return box.top >= 0 && box.bottom <= window.innerHeight;
            }""", polling="raf", timeout=5000)
        elapsed = time.monotonic() - opened
        assert elapsed < 1.0, f"the poll took {elapsed:.2f} s to reach the first screen"
        expect(card).to_contain_text("Förhandsbedömningar dröjer")
        assert phone.evaluate("window.__vibrations.length") == 1
        expect(phone.locator("#phone-announcer")).to_contain_text("Omröstning", timeout=3000)
        phone.screenshot(path=f"{SHOTS}/room-phone-poll-open.png")

        # One tap answers: stored on the server.
        taps = Taps()
        taps.tap(card.get_by_text("Delvis", exact=True))
        expect(card.locator("#poll-chosen")).to_have_text("Ditt svar: Delvis")
        deadline = time.monotonic() + 5
        while room["stances"](room["late"]) != ["partly"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert room["stances"](room["late"]) == ["partly"]
        assert taps.n == 1
        expect(card.locator("#poll-results")).to_contain_text("Resultat, 1 svar")
        phone.screenshot(path=f"{SHOTS}/room-phone-poll-answered.png")
        assert_accessible(phone)

        # Closed: the card goes; the result stays lower down with the answer given.
        call(fac, "poll", {"action": "close"})
        expect(card).to_be_hidden()
        done = phone.locator("#phone-poll-done")
        expect(done).to_contain_text("Omröstningen om Förhandsbedömningar dröjer är stängd")
        expect(done).to_contain_text("Ditt svar: Delvis")

        # A question: focus is back in the field after sending; pending until approved.
        field = phone.get_by_label("Din fråga")
        question = f"Hur mäter ni de 14 dagarna? {uuid.uuid4().hex[:4]}"
        field.fill(question)
        phone.get_by_role("button", name="Skicka fråga").tap()
        status = phone.locator("#question-status")
        expect(status).to_contain_text("väntar på granskning")
        expect(field).to_be_focused()
        expect(field).to_have_value("")
        mine = phone.locator("#phone-questions li", has_text=question)
        item_id = int(mine.get_attribute("id").split("-")[1])
        call(fac, "moderate", {"action": "approve", "id": item_id})
        expect(status).not_to_contain_text("väntar på granskning")
        expect(status).to_contain_text("Godkänt")
        expect(mine).not_to_contain_text("Väntar på granskning")
        # One's own question has no button to support it, only the count of the others'.
        expect(mine.get_by_role("button")).to_have_count(0)
        expect(mine).to_contain_text("0 röster från de andra")
        phone.evaluate("window.scrollTo(0, 0)")
        phone.screenshot(path=f"{SHOTS}/room-phone-live.png")

        # Typing when a poll opens: the page stays where it is, a bar at the top leads to it.
        field.tap()
        field.type("Ett utkast")
        assert phone.evaluate("window.scrollY") > 300
        call(fac, "poll", {"action": "open", "reflection_id": room["late"],
                           "results_live": True})
        jump = phone.get_by_role("link", name="Omröstning pågår – svara här")
        expect(jump).to_be_in_viewport(timeout=1000)
        expect(field).to_be_in_viewport()  # the card above did not push it away
        expect(field).to_be_focused()
        phone.screenshot(path=f"{SHOTS}/room-phone-poll-while-typing.png")
        jump.tap()
        expect(card).to_be_in_viewport()
        expect(jump).to_be_hidden()
        expect(field).to_have_value("Ett utkast")

        # 320 px wide with text at 200 %: nothing scrolls sideways, with a poll open.
        expect(card).to_be_visible()
        phone.set_viewport_size({"width": 320, "height": 640})
        phone.evaluate("document.documentElement.style.fontSize = '200%'")
        assert phone.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"), phone.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        phone.evaluate("window.scrollTo(0, 0)")
        phone.screenshot(path=f"{SHOTS}/room-phone-320-200pct.png")
        card.screenshot(path=f"{SHOTS}/room-phone-320-200pct-poll.png")
        call(fac, "poll", {"action": "close"})
        assert errors == []
    finally:
        fac.disconnect()
        context.close()


def test_console_keys_menus_and_connected_phones(live_server, room, browser, page):
    os.makedirs(SHOTS, exist_ok=True)
    dialogue = room["one"]
    phones = []
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    fac = facilitator_socket(live_server, dialogue["id"])
    try:
        call(fac, "agenda", {"action": "start"})
        browser_login(page, live_server)
        page.goto(f"{live_server.url}/dialoger/{dialogue['id']}/mote")
        expect(page.locator("#c-connection")).to_have_text("Ansluten")
        expect(page.locator("#c-presence-total")).to_have_text("Inga telefoner anslutna")

        # Three phones join: the console follows, one leaves: it follows again.
        texts = []
        for n in range(3):
            context = browser.new_context(**PHONE)
            phones.append(context)
            phone = context.new_page()
            phone.goto(f"{live_server.url}/m/{dialogue['code']}")
            phone.get_by_label("Socialsekreterare", exact=True).tap()
            phone.get_by_role("button", name="Gå med").tap()
            expect(phone.locator("#phone-status")).to_have_attribute("data-state", "connected")
            if n < 2:
                texts.append(f"Fråga {n + 1} om handläggningstiden {uuid.uuid4().hex[:4]}")
                phone.get_by_label("Din fråga").fill(texts[-1])
                phone.get_by_role("button", name="Skicka fråga").tap()
                expect(phone.locator("#question-status")).to_contain_text("Skickat")
        total = page.locator("#c-presence-total")
        expect(total).to_have_text("3 telefoner anslutna", timeout=2000)
        expect(page.locator("#c-presence-roles")).to_contain_text("Socialsekreterare 3")
        phones.pop().close()
        expect(total).to_have_text("2 telefoner anslutna", timeout=2000)
        expect(page.locator("#c-presence-roles")).to_be_hidden()
        expect(page.locator("#c-presence-note")).to_contain_text("färre än 3")

        # The keys are on the page; the skip link leads to the queue.
        keys = page.locator("#c-queue-keys")
        for key in ("J", "K", "G", "D", "F"):
            expect(keys.locator("kbd", has_text=key).first).to_be_visible()
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(page.locator("#c-skip-queue")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#queue-h")).to_be_focused()

        first = page.locator(".queue-item", has_text=texts[0])
        second = page.locator(".queue-item", has_text=texts[1])
        expect(second).to_be_visible()
        # Each item: one primary action, the rest behind a disclosure button.
        toggle = first.get_by_role("button", name="Fler åtgärder")
        expect(first.get_by_role("button", name="Godkänn")).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(first.get_by_role("button", name="Dölj")).to_have_count(0)
        page.keyboard.press("j")
        expect(first).to_be_focused()
        page.keyboard.press("j")
        expect(second).to_be_focused()
        page.keyboard.press("k")
        expect(first).to_be_focused()
        page.keyboard.press("ArrowDown")
        expect(second).to_be_focused()
        page.keyboard.press("g")  # approve the second
        approved = page.locator("#c-approved .queue-item", has_text=texts[1])
        expect(approved).to_be_visible()
        expect(page.locator("#c-pending")).not_to_contain_text(texts[1])
        approved.focus()
        page.keyboard.press("f")  # pin it
        expect(approved).to_contain_text("Fäst")
        expect(approved.get_by_role("button", name="Lossa")).to_be_visible()
        # The menu opens and closes with its button; Escape closes it too.
        approved.get_by_role("button", name="Fler åtgärder").click()
        expect(approved.get_by_role("button", name="Fler åtgärder")).to_have_attribute(
            "aria-expanded", "true")
        expect(approved.get_by_role("button", name="Markera besvarad")).to_be_visible()
        page.screenshot(path=f"{SHOTS}/room-console-menu.png")
        page.keyboard.press("Escape")
        expect(approved.get_by_role("button", name="Fler åtgärder")).to_have_attribute(
            "aria-expanded", "false")
        first.focus()
        page.keyboard.press("d")  # hide the first (after the confirmation)
        expect(page.locator("#c-hidden")).to_contain_text(texts[0])
        expect(page.locator("#c-pending")).not_to_contain_text(texts[0])

        # An open poll with its results fits the console's column.
        call(fac, "poll", {"action": "open", "reflection_id": room["late"],
                           "results_live": True})
        expect(page.locator("#c-poll-close")).to_be_visible()
        poll_card = page.locator("section", has=page.locator("#poll-h"))
        poll_card.scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/room-console-poll.png")
        fits = poll_card.evaluate(
            "card => [card.scrollWidth, card.clientWidth,"
            " card.getBoundingClientRect().right, card.parentNode.getBoundingClientRect().right]")
        assert fits[0] <= fits[1] and fits[2] <= fits[3] + 1, fits
        assert_accessible(page)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=f"{SHOTS}/room-console-1366.png")
        assert errors == []
    finally:
        fac.disconnect()
        for context in phones:
            context.close()
