"""Published documents from the same templates as their pages: the minutes and a board's
redovisning of the Stockholm demo as tagged PDF/UA-1 (structure, language, title, embedded
fonts, the page's text), and the redovisning as DOCX with Word's own styles."""

import io
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser

import pikepdf
import pytest
from helpers_outcomes import DISAGREEMENT, EVIDENCE_URL, PROGRESS, QUESTION, demo_meeting
from pypdf import PdfReader

from facilitator.core.i18n import LANG_COOKIE


@pytest.fixture
def stockholm(app, auth, make_user):
    meeting = demo_meeting(make_user, "Stockholm", boards=["Farsta", "Solna", "Södermalm"])
    auth.login("demo@ivo.se")
    return meeting


class _Page(HTMLParser):
    """The headings, list items and table row headers inside the page's <article>."""

    WANTED = {"h1", "h2", "h3", "h4", "li", "th"}

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside <article>
        self.stack: list[tuple[str, list]] = []
        self.found: dict[str, list[str]] = {tag: [] for tag in self.WANTED}
        self.headings: list[str] = []  # h1–h4 in the page's order

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if self.depth and tag in self.WANTED:
            self.stack.append((tag, []))

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1][0] == tag:
            _tag, parts = self.stack.pop()
            text = " ".join("".join(parts).split())
            if text:
                self.found[tag].append(text)
                if tag[0] == "h":
                    self.headings.append(text)
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data):
        for _tag, parts in self.stack:
            parts.append(data)


def _squash(text: str) -> str:
    """Text without spaces, line breaks and hyphens, so hyphenation and wrapping never matter."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def _structure(pdf: pikepdf.Pdf) -> set[str]:
    seen: set[str] = set()

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                seen.add(str(node.S)[1:])
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                for kid in kids:
                    walk(kid)
            elif isinstance(kids, pikepdf.Dictionary):
                walk(kids)

    walk(pdf.Root.StructTreeRoot)
    return seen


def _bookmarks(pdf: pikepdf.Pdf) -> list[str]:
    titles: list[str] = []

    def walk(items):
        for item in items:
            titles.append(item.title)
            walk(item.children)

    with pdf.open_outline() as outline:
        walk(outline.root)
    return titles


def _assert_accessible_pdf(data: bytes, tmp_path, title_part: str, lang: str = "sv") -> dict:
    """The PDF/UA-1 checks of the issue; returns the PDF's text and what its structure holds."""
    assert data.startswith(b"%PDF")
    pdf = pikepdf.open(io.BytesIO(data))
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == lang
    assert title_part in str(pdf.docinfo.Title)
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
    with pdf.open_metadata() as xmp:  # the PDF/UA identifier and the title in XMP
        assert xmp.get("pdfuaid:part") == "1"
        assert title_part in str(xmp.get("dc:title"))
    tags = _structure(pdf)
    assert {"H1", "H2", "H3", "Table", "TH", "TD", "L", "LI"} <= tags, tags
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    assert shutil.which("pdffonts"), "pdffonts (poppler-utils) checks the fonts"
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines), lines  # emb
    # every data cell names its header cells (Headers and IDs), so a screen reader reads
    # "Farsta, Håller med: 3"; every page's tab order follows the structure
    th_ids, td_headers = _cells(pdf)
    assert td_headers and all(headers for headers in td_headers), "a cell without headers"
    assert {h for headers in td_headers for h in headers} <= th_ids
    assert all(str(page.obj.get("/Tabs")) == "/S" for page in pdf.pages)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return {"text": text, "counts": _counts(pdf), "bookmarks": _bookmarks(pdf)}


def _cells(pdf: pikepdf.Pdf) -> tuple[set[str], list[list[str]]]:
    """The IDs of the TH elements and, per TD, the IDs in its Headers attribute."""
    th_ids: set[str] = set()
    td_headers: list[list[str]] = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            kind = str(node.get("/S", ""))
            if kind == "/TH" and "/ID" in node:
                th_ids.add(str(node.ID))
            if kind == "/TD":
                attributes = node.get("/A")
                headers = attributes.get("/Headers", []) if isinstance(
                    attributes, pikepdf.Dictionary) else []
                td_headers.append([str(h) for h in headers])
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return th_ids, td_headers


def _counts(pdf: pikepdf.Pdf) -> dict[str, int]:
    counts: dict[str, int] = {}

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                name = str(node.S)[1:]
                counts[name] = counts.get(name, 0) + 1
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return counts


def _stance_rows(html: str) -> list[list[str]]:
    """Each row of the page's stance tables, as its cells' texts."""
    rows = []
    for table in re.findall(r'<table class="[^"]*stance-table.*?</table>', html, flags=re.S):
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
            cells = [" ".join(unescape(re.sub(r"<[^>]+>", "", c)).split())
                     for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
            rows.append(cells)
    return rows


def _assert_page_in_pdf(html: str, document: dict) -> _Page:
    page = _Page()
    # what only the screen shows (downloads, buttons) is not part of the document
    printed = re.sub(r'<(section|nav) class="[^"]*no-print.*?</\1>', "", html, flags=re.S)
    page.feed(printed)
    flat = _squash(document["text"])
    for tag in ("h1", "h2", "h3", "h4", "li", "th"):
        assert page.found[tag] or tag == "h4", tag
        for item in page.found[tag]:
            assert _squash(item) in flat, (tag, item)
    # the document reads in the page's order: each heading after the one before it
    at = 0
    for heading in page.headings:
        found = flat.find(_squash(heading), at)
        assert found >= 0, ("out of the page's order", heading)
        at = found
    # every heading of the page is a heading of the document, at its level, and the
    # h1 and h2 are its bookmarks
    for level in ("h1", "h2", "h3", "h4"):
        assert document["counts"].get(level.upper(), 0) == len(page.found[level]), level
    bookmarks = [_squash(b) for b in document["bookmarks"]]
    for heading in page.found["h1"] + page.found["h2"]:
        assert _squash(heading) in bookmarks, heading
    # every stance row reads as on the page: the group, then its counts in their order
    rows = _stance_rows(printed)
    for cells in rows:
        assert _squash("".join(cells)) in flat, cells
    page.stance_rows = rows
    # a column header breaks between words only: never "Socialsekre-terare"
    headers = [unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(
        r'<th scope="col"[^>]*>(.*?)</th>', printed, flags=re.S)]
    assert headers
    for word in {w for h in headers for w in h.split() if len(w) >= 5}:
        for cut in range(2, len(word) - 1):
            broken = re.escape(word[:cut]) + r"[\-\u00ad\u2010]\s+" + re.escape(word[cut:])
            assert not re.search(broken, document["text"]), ("header broken", word)
    return page


def test_minutes_pdf_is_tagged_and_holds_the_page(stockholm, client, tmp_path):
    base = f"/dialoger/{stockholm.dialogue_id}/protokoll/v1"
    html = client.get(base).get_data(as_text=True)
    response = client.get(f"{base}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    document = _assert_accessible_pdf(response.data, tmp_path, "Protokoll")
    page = _assert_page_in_pdf(html, document)
    text = document["text"]
    # the stance rows by role and by board, and what the room said
    assert "Farsta" in page.found["th"] and "Socialsekreterare" in page.found["th"]
    labels = [cells[0] for cells in page.stance_rows]
    assert {"Alla", "Farsta", "Solna", "Södermalm", "Socialsekreterare", "Chef"} <= set(labels)
    assert _squash(QUESTION) in _squash(text) and _squash(DISAGREEMENT) in _squash(text)
    # a document writes long dates, never an abbreviated month or an ISO date
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2} [a-zåäö]{3}\. \d{4}", text), text
    assert " kl. " in text


def test_the_english_minutes_pdf_is_in_english(stockholm, client, tmp_path):
    client.set_cookie(LANG_COOKIE, "en")
    base = f"/dialoger/{stockholm.dialogue_id}/protokoll/v1"
    html = client.get(base).get_data(as_text=True)
    document = _assert_accessible_pdf(client.get(f"{base}.pdf").data, tmp_path, "Minutes",
                                      lang="en")
    _assert_page_in_pdf(html, document)
    assert "Attendance" in document["text"] and "Närvaro" not in document["text"]


def test_redovisning_pdf_and_docx_from_one_report(stockholm, client, tmp_path):
    from docx import Document

    farsta = stockholm.boards["Farsta"]
    base = f"/dialoger/{stockholm.dialogue_id}/uppfoljning/redovisning/{farsta.id}"
    html = client.get(base).get_data(as_text=True)
    assert "Redovisning av vidtagna åtgärder" in html
    response = client.get(f"{base}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    document = _assert_accessible_pdf(response.data, tmp_path,
                                      "Redovisning av vidtagna åtgärder")
    _assert_page_in_pdf(html, document)
    text = document["text"]
    assert "Södermalm" not in text  # only the board's own items
    assert "30 juni 2027" in text  # long dates in documents
    assert _squash(PROGRESS) in _squash(text) and _squash(EVIDENCE_URL) in _squash(text)

    docx = Document(io.BytesIO(client.get(f"{base}.docx").data))
    styles = [p.style.name for p in docx.paragraphs]
    assert styles[0] == "Title" and "Heading 1" in styles and "Heading 2" in styles
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    for r in stockholm.deficiencies:
        assert any(r.title in h for h in headings)
    assert docx.tables and all(t.style.name == "Table Grid" for t in docx.tables)
    header_row = docx.tables[0].rows[0]._tr
    assert header_row.trPr is not None and "tblHeader" in header_row.trPr.xml
    assert docx.core_properties.language == "sv-SE"
