"""The participant's phone page, first load, in Chromium: what a phone downloads.

gunicorn does not compress, so each response body is gzipped here at level 6, as nginx
(`gzip_comp_level 6`) sends it; images and fonts that are already compressed count as they are.
"""

import asyncio
import gzip
import os
import re

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
COUNTED = ("document", "stylesheet", "script", "font", "image")
PRECOMPRESSED = re.compile(r"font/woff2?|image/(png|jpe?g|webp|avif|gif)")


def measure(base_url: str, code: str, dialogue_id: int) -> dict:
    """Join as a phone would, then load the live phone page (or the pre-read page if the
    live page is not there) with an empty cache and sum what it downloaded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844},
                                          is_mobile=True, has_touch=True, locale="sv-SE")
            page = context.new_page()
            page.goto(f"{base_url}/m/{code}")
            page.locator("select[name=organization]").select_option(index=1)
            page.locator("input[name=role]").first.check()
            page.locator("form.card button[type=submit]").click()
            page.wait_for_load_state("networkidle")
            page.close()
            # A new page keeps the participant's cookie; the cache is switched off for it,
            # so it downloads everything as a phone's first visit does.
            cdp_page = context.new_page()
            cdp = context.new_cdp_session(cdp_page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            responses = []
            cdp_page.on("response", lambda response: responses.append(response))
            url, which = f"{base_url}/m/{code}/mote", "live"
            answer = cdp_page.goto(url)
            if answer is None or answer.status != 200:
                responses.clear()
                url, which = f"{base_url}/m/{code}/forberedelse", "pre-read"
                cdp_page.goto(url)
            cdp_page.wait_for_load_state("networkidle")
            items = []
            for response in responses:
                kind = response.request.resource_type
                if kind not in COUNTED or response.status != 200:
                    continue
                try:
                    body = response.body()
                except Exception:  # noqa: BLE001 - a body the browser did not keep
                    continue
                ctype = response.headers.get("content-type", "")
                packed = len(body) if PRECOMPRESSED.search(ctype) else len(gzip.compress(body, 6))
                items.append({"url": response.url.replace(base_url, ""), "type": kind,
                              "bytes": len(body), "gzip_bytes": packed})
        finally:
            browser.close()
    return {"page": which, "url": url.replace(base_url, ""), "requests": len(items),
            "bytes": sum(i["bytes"] for i in items),
            "gzip_bytes": sum(i["gzip_bytes"] for i in items),
            "gzip_kb": round(sum(i["gzip_bytes"] for i in items) / 1024, 1),
            "resources": items}


async def measure_async(server) -> dict:
    try:
        return await asyncio.to_thread(measure, server.url, server.meeting["code"],
                                       server.meeting["dialogue_id"])
    except Exception as error:  # noqa: BLE001 - reported, the bench goes on
        return {"error": repr(error)}
