"""Done when: the room's screen fits one screen in every state, at projector and TV sizes.

The demo's largest dialogue (Stockholm: seven boards, every role, 77 people who have answered)
on a real server (screens.stage), moved by a facilitator's socket through every state the
projector shows; one Chromium page resized to 1280×720, 1366×768, 1920×1080 and 3840×2160.
At each: the page does not scroll, no visible text is smaller than 1/36 of the height, no text
is cut off by its part of the screen, every group's bar is at least 1/30 of the height tall,
and the question in focus is shown whole. axe finds nothing in any state. A tally of fifteen
boards (played into the page's socket) takes two columns, never a scroll.
"""

import pytest
from conftest import assert_accessible

from screens.projector import resize, settle

pytestmark = pytest.mark.xdist_group("projector")

SIZES = ((1280, 720), (1366, 768), (1920, 1080), (3840, 2160))

MEASURE = """() => {
  const H = window.innerHeight, W = window.innerWidth;
  const out = {scroll: document.documentElement.scrollHeight, H, small: [], cut: [], bars: []};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect(), box0 = el.getBoundingClientRect();
    // Visually hidden (a 1 px clipped box, for screen readers) and the skip link: not seen.
    if (box0.width < 2 || box0.height < 2 || r.bottom <= 0) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < H / 36 - 0.05) out.small.push([text.slice(0, 40), size]);
    const part = el.closest('.pj-main, .pj-questions, .pj-join, .pj-bar') ;
    const box = part ? part.getBoundingClientRect() : {top: 0, bottom: H, left: 0, right: W};
    const slack = 1 + size * 0.1;  // a glyph's box may stand a little outside its line
    if (r.bottom > Math.min(box.bottom, H) + slack || r.right > Math.min(box.right, W) + slack
        || r.top < box.top - slack) out.cut.push(text.slice(0, 40));
  }
  document.querySelectorAll('.pj-track').forEach(t => {
    if (!t.checkVisibility()) return;
    const row = t.closest('.pj-row');
    const label = row.querySelector('.pj-row-label').textContent;
    out.bars.push([label, t.getBoundingClientRect().height]);
  });
  const focus = document.getElementById('pj-focus-text');
  if (focus.checkVisibility()) {
    const r = focus.getBoundingClientRect();
    const main = focus.closest('.pj-main').getBoundingClientRect();
    out.focus = {text: focus.textContent, whole: focus.scrollHeight <= focus.clientHeight + 1
                 && r.bottom <= Math.min(main.bottom, H) + 1 && r.top >= main.top - 1};
  }
  out.screen = document.getElementById('projector').getAttribute('data-screen');
  return out;
}"""


# The page's socket, kept so that a test can play a message the server would send.
KEEP_SOCKET = """(() => { let real; Object.defineProperty(window, 'io', { configurable: true,
  get() {
    return real && function (...a) { const s = real(...a); window.__socket = s; return s; };
  },
  set(v) { real = v; } }); })();"""
#: Fifteen boards: more than one column holds at a bar of 1/30 of the height.
MANY = ["Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka",
        "Norrtälje", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Täby", "Upplands Väsby"]


def _many_boards(reflection_id: int) -> dict:
    by_board = {b: {"agree": 3 + i % 4, "partly": 1 + i % 3, "disagree": 2 + i * 7 % 5,
                    "unknown": i % 2} for i, b in enumerate(MANY)}
    total = {v: sum(c[v] for c in by_board.values()) for v in ("agree", "partly", "disagree",
                                                               "unknown")}
    return {"reflection_id": reflection_id, "phase": "live", "n": sum(total.values()),
            "total": total, "by_role": {}, "by_board": by_board,
            "withheld": {"by_role": False, "by_board": False}}


def _check(m: dict, where: str, height: int) -> None:
    assert m["scroll"] <= m["H"], f"{where}: the page scrolls ({m['scroll']})"
    assert m["small"] == [], f"{where}: text below 1/36 of the height: {m['small']}"
    assert m["cut"] == [], f"{where}: text cut off: {m['cut']}"
    low = [(label, h) for label, h in m["bars"] if h < height / 30]
    assert low == [], f"{where}: bars lower than 1/30 of the height: {low}"


@pytest.fixture(scope="module")
def stage():
    from screens.stage import Stage

    with Stage() as stage:
        yield stage


ROLES = ["Politiker", "Chef", "Arbetsledare", "Socialsekreterare", "Annan"]
#: Boards by name, in Swedish order (ö after z).
BOARDS = ["Farsta", "Hässelby-Vällingby", "Rinkeby-Kista", "Skärholmen", "Solna",
          "Spånga-Tensta", "Södermalm"]


def _groups(state: str) -> list[str]:
    """The bars each state shows, top to bottom: "Alla" first, then the groups in order."""
    roles, boards = ROLES, BOARDS
    return {"poll-role": ["Alla", *roles], "poll-board": ["Alla", *boards],
            "poll-closed": ["Alla", *boards], "poll-total": ["Alla"],
            # The demo's widest split runs between the roles (politicians and social workers).
            "split": ["Alla", *roles]}.get(state, [])


def test_every_projector_state_fits_the_wall_at_every_size(browser, stage):
    from screens.stage import Stage

    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="sv-SE",
                                  reduced_motion="reduce")
    page = context.new_page()
    page.add_init_script(KEEP_SOCKET)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(stage.projector_url)
        for index, state in enumerate(Stage.STATES):
            screen = stage.play(state)
            settle(page, screen)
            for width, height in SIZES:
                resize(page, width, height, glide_ms=0)
                m = page.evaluate(MEASURE)
                where = f"{state} at {width}x{height}"
                assert m["screen"] == screen, where
                _check(m, where, height)
                assert [label for label, _h in m["bars"]] == _groups(state), where
                if state == "focus":
                    assert m["focus"] == {"text": stage.room["focus_text"], "whole": True}, where
                else:
                    assert "focus" not in m, where
            # axe once per state, at a size that moves on with each state.
            resize(page, *SIZES[index % len(SIZES)], glide_ms=0)
            assert_accessible(page)
            if state == "poll-board":
                _fifteen_boards(page, stage)
                _boards_in_turns(page, stage)
                _console_poll_card_fits(browser, stage)
        # What the closed meeting shows: thanks and what was agreed, no invitation to join.
        body = page.locator("#projector")
        assert "Tack för i dag!" in body.inner_text()
        assert "Mall för synnerliga skäl vid förlängd förhandsbedömning" in body.inner_text()
        assert not page.locator(".pj-join").is_visible()
        assert stage.room["code"] not in body.inner_text()
        assert errors == []
    finally:
        context.close()


#: Forty boards: more than two columns hold at 1280×720, so the groups take turns.
FORTY = [f"Nämnd {i:02d}" for i in range(1, 41)]


def _boards_in_turns(page, stage) -> None:
    """Groups that do not fit in two columns are shown in turns, "Alla" on every page, each
    page whole on one screen: every board appears within one round, none by scrolling."""
    tally = _many_boards(stage.room["reflection"])
    tally["by_board"] = {b: {"agree": 3 + i % 4, "partly": 2, "disagree": 1 + i % 3,
                             "unknown": 1} for i, b in enumerate(FORTY)}
    resize(page, 1280, 720, glide_ms=0)
    page.evaluate("t => window.__socket.listeners('tally').forEach(f => f({stances: t}))", tally)
    marker = page.locator("#pj-page")
    seen, pages = [], []
    for _turn in range(4):
        assert marker.is_visible(), "forty boards at 1280x720: no page marker"
        text = marker.inner_text()
        if text in pages:
            break
        pages.append(text)
        m = page.evaluate(MEASURE)
        _check(m, f"forty boards, {text}", 720)
        labels = [label for label, _h in m["bars"]]
        assert labels[0] == "Alla", text
        seen += labels[1:]
        # The next turn comes by itself (PAGE_SECONDS in projector.js), without a scroll.
        page.wait_for_function("t => document.getElementById('pj-page').textContent !== t",
                               arg=text, timeout=15_000)
    assert len(pages) >= 2, pages
    assert sorted(seen) == FORTY, f"boards shown over one round: {seen}"
    page.reload()
    settle(page, "poll")


CARD = """() => { const box = document.getElementById('c-results');
  const card = box.closest('.card').getBoundingClientRect();
  const out = [];
  box.querySelectorAll('*').forEach(e => { const r = e.getBoundingClientRect();
    if (r.width && (r.right > card.right + 0.5 || r.left < card.left - 0.5))
      out.push(e.tagName + '.' + e.className); });
  return {out: out.slice(0, 5), page: document.documentElement.scrollWidth, W: innerWidth}; }"""


def _console_poll_card_fits(browser, stage) -> None:
    """The console's poll card holds its results (by role and by board) inside its column, on
    a laptop and on a phone, and the console never scrolls sideways."""
    for width, height in ((1366, 768), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="sv-SE",
                                      reduced_motion="reduce")
        try:
            context.add_cookies(stage.browser_cookies())
            console = context.new_page()
            console.goto(stage.console_url)
            console.wait_for_selector("#c-results-board table", state="visible")
            m = console.evaluate(CARD)
            assert m["out"] == [], f"console at {width}x{height}: outside the poll card: {m}"
            assert m["page"] <= m["W"], f"console at {width}x{height} scrolls sideways: {m}"
            if width == 390:
                assert_accessible(console)
        finally:
            context.close()


def _fifteen_boards(page, stage) -> None:
    """A dialogue of fifteen boards: the by-board view takes two columns, never a scroll."""
    page.evaluate("t => window.__socket.listeners('tally').forEach(f => f({stances: t}))",
                  _many_boards(stage.room["reflection"]))
    for width, height in SIZES:
        resize(page, width, height, glide_ms=0)
        m = page.evaluate(MEASURE)
        where = f"fifteen boards at {width}x{height}"
        _check(m, where, height)
        assert [label for label, _h in m["bars"]] == ["Alla", *MANY], where
        assert page.locator("#pj-results.pj-cols-2 > .pj-col").count() == 2, where
    page.reload()  # back to the room's own answers, from a snapshot
    settle(page, "poll")
