"""`make screenshots`: the demo meeting photographed into docs/screens/ (PNG).

    .venv/bin/python -m screens [--out docs/screens] [--only documents]

Starts the app on the demo data in a temporary folder (screens.stage), opens Debian's Chromium,
and takes every projector state at 1280×720, 1366×768, 1920×1080 and 3840×2160, and the phone
and the console before the meeting and during a poll at 390×844 and 1366×768. The files are
named `<screen>-<state>-<width>x<height>.png`. Once the meeting is closed, every page of its
minutes and of Farsta's redovisning as PDF becomes `document-<name>-page-<n>.png`
(screens.documents; `--only documents` plays the meeting without a browser and takes only
these). A file of those patterns the run did not write is removed, so the folder holds only
what the app looks like now.
"""

import argparse
import os
import sys
from pathlib import Path

from . import documents
from .projector import resize, settle
from .stage import ROOT, Stage

PROJECTOR_SIZES = ((1280, 720), (1366, 768), (1920, 1080), (3840, 2160))
DEVICE_SIZES = ((390, 844), (1366, 768))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
#: The projector's states photographed (the stage passes through a few more on the way).
PHOTOGRAPHED = ("waiting", "item", "poll-role", "poll-board", "poll-total", "poll-closed", "split",
                "questions", "focus", "closed")
PREFIXES = ("projector-", "phone-", "console-")


def shrink(path: Path) -> None:
    """Re-save the PNG in 256 colours, compressed: a screen of flat colours and text loses
    nothing a reader sees, and the files are a third of the size Playwright writes."""
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                   dither=Image.Dither.NONE).save(path, optimize=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screens"))
    parser.add_argument("--only", choices=["documents"],
                        help="only the documents' pages (no browser)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def pages(stage) -> None:
        for path in documents.photograph(stage, out):
            written.append(path)
            print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    if args.only == "documents":
        with Stage() as stage:
            for state in Stage.STATES:
                stage.play(state)
            pages(stage)
        clean(out, written, (documents.PREFIX,))
        return 0

    from playwright.sync_api import sync_playwright

    def snap(page, name: str) -> None:
        path = out / f"{name}.png"
        page.screenshot(path=str(path))
        shrink(path)
        written.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    with Stage() as stage, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        projector = browser.new_context(viewport={"width": 1920, "height": 1080},
                                        locale="sv-SE", reduced_motion="reduce").new_page()
        console = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")
        console.add_cookies(stage.browser_cookies())
        console = console.new_page()
        phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE",
                                    is_mobile=True, has_touch=True)
        phone.add_cookies(stage.phone_cookies())
        phone = phone.new_page()

        def devices(state: str) -> None:
            for page, name, url in ((phone, "phone", stage.phone_url),
                                    (console, "console", stage.console_url)):
                page.goto(url)
                page.wait_for_timeout(1200)
                for width, height in DEVICE_SIZES:
                    page.set_viewport_size({"width": width, "height": height})
                    page.wait_for_timeout(200)
                    if name == "console" and state == "poll":  # the poll card, not the top
                        page.locator("section[aria-labelledby=poll-h]").evaluate(
                            "card => card.scrollIntoView({block: 'start'})")
                    snap(page, f"{name}-{state}-{width}x{height}")

        projector.goto(stage.projector_url)
        for state in Stage.STATES:
            screen = stage.play(state)
            settle(projector, screen)
            if state == "waiting":
                devices("before")
            if state == "poll-role":
                devices("poll")
            if state not in PHOTOGRAPHED:
                continue
            for width, height in PROJECTOR_SIZES:
                resize(projector, width, height)
                snap(projector, f"projector-{state}-{width}x{height}")
        browser.close()
        pages(stage)

    clean(out, written, (*PREFIXES, documents.PREFIX))
    return 0


def clean(out: Path, written: list[Path], prefixes: tuple[str, ...]) -> None:
    """Remove the pictures of those prefixes that this run did not write."""
    for stale in out.glob("*.png"):
        if stale.name.startswith(prefixes) and stale not in written:
            stale.unlink()
            print(f"  removed {stale.name}")


if __name__ == "__main__":
    sys.exit(main())
