from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from facilitator.dialogues.markdown import render_markdown


class Elements(HTMLParser):
    """The start tags and their attributes, as a browser would see them."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(str(html))

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_plain_markdown_renders():
    html = render_markdown("# Rubrik\n\nDet är **viktigt**.\n\n- en\n- två")
    assert isinstance(html, Markup)
    assert "<strong>viktigt</strong>" in html
    assert "<li>en</li>" in html
    # Headings sit below the reflection's own title.
    assert "<h4>Rubrik</h4>" in html


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "Text <img src=x onerror=alert(1)> mer",
    '<a href="https://ivo.se" onclick="alert(1)">klick</a>',
    "<div onmouseover='alert(1)'>hej</div>",
    "<svg onload=alert(1)>",
])
def test_raw_html_never_becomes_tags(text):
    tags = Elements(render_markdown(text)).tags
    assert all(tag in {"p"} for tag, _ in tags), tags
    for _tag, attrs in tags:
        assert not any(name.startswith("on") for name in attrs)
    assert "<script" not in render_markdown(text)


@pytest.mark.parametrize("text", [
    "[klicka](javascript:alert(1))",
    "[klicka](JaVaScRiPt:alert(1))",
    "[klicka](  javascript:alert(1))",
    "<javascript:alert(1)>",
    "![bild](javascript:alert(1))",
    "[klicka](data:text/html;base64,PHNjcmlwdD4=)",
    "[klicka](vbscript:msgbox(1))",
])
def test_dangerous_links_are_gone(text):
    tags = Elements(render_markdown(text)).tags
    hrefs = [attrs.get("href", "") for tag, attrs in tags if tag == "a"]
    assert all(h.startswith(("http://", "https://", "mailto:")) for h in hrefs), hrefs


def test_links_get_rel_and_images_become_links():
    tags = Elements(render_markdown(
        "[IVO](https://www.ivo.se) och ![diagram](https://example.org/a.png)")).tags
    links = [attrs for tag, attrs in tags if tag == "a"]
    assert [a["href"] for a in links] == ["https://www.ivo.se", "https://example.org/a.png"]
    assert all(a["rel"] == "noopener noreferrer" for a in links)
    assert not any(tag == "img" for tag, _ in tags)


def test_empty_text():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
