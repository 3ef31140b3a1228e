"""The personal data guard: Python and the browser find the same personnummer."""

import json
from pathlib import Path

import pytest

from facilitator.privacy import find_personal_numbers

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((ROOT / "tests/data/personnummer_cases.json").read_text())["cases"]
SCRIPT = ROOT / "facilitator/static/js/personnummer.js"


def test_the_cases_cover_what_matters():
    names = " ".join(case["name"] for case in CASES)
    for topic in ("wrong check digit", "samordningsnummer", "12 digits", "plus", "sentence",
                  "phone"):
        assert topic in names
    assert any(case["found"] for case in CASES) and any(not case["found"] for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_python_finds_exactly_the_expected_numbers(case):
    assert find_personal_numbers(case["text"]) == case["found"]


def test_the_browser_agrees_with_python_on_every_case(page):
    page.set_content("<!doctype html><html lang='sv'><head><title>t</title></head><body></html>")
    page.add_script_tag(path=str(SCRIPT))
    found = page.evaluate("cases => cases.map(c => findPersonalNumbers(c.text))", CASES)
    for case, in_browser in zip(CASES, found, strict=True):
        assert in_browser == case["found"], case["name"]
        assert in_browser == find_personal_numbers(case["text"]), case["name"]
