"""Waiting for the projector page in a browser: shared by `make screenshots` and its test."""


def settle(page, screen: str | None = None) -> None:
    """Wait until the projector shows `screen` and has fitted itself to the window."""
    if screen:
        page.wait_for_function(
            "s => document.getElementById('projector').getAttribute('data-screen') === s",
            arg=screen, timeout=15_000)
    page.wait_for_timeout(250)  # a tally follows its change within a quarter of a second
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def resize(page, width: int, height: int, glide_ms: int = 900) -> None:
    """Resize the window and wait until the projector has fitted itself again; then `glide_ms`
    for the bars to settle (the segments' numbers are checked again after they glide)."""
    if page.viewport_size == {"width": width, "height": height}:
        return
    before = page.get_attribute("#projector", "data-fitted")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(
        "b => document.getElementById('projector').getAttribute('data-fitted') !== b",
        arg=before, timeout=5_000)
    if glide_ms:
        page.wait_for_timeout(glide_ms)
