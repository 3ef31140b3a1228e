"""Published documents (the minutes, a board's redovisning) as tagged PDF from the same
Jinja templates as their HTML pages.

WeasyPrint lays the HTML out with the print stylesheet (the one the browser's own print
uses too) and writes PDF/UA-1: document language, title, headings,
tables with header cells, lists and bookmarks tagged, in the page's reading order, with the
DejaVu fonts shipped under `static/fonts/` embedded. Only files under `static/` can be
loaded while rendering: nothing is fetched from the network.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from flask_babel import get_locale

#: The stylesheet a document is laid out with (relative to `static/`): the print stylesheet
#: alone, so the screen layout never leaks into a document.
STYLESHEETS = ("css/print.css",)


def _static() -> Path:
    return Path(current_app.static_folder).resolve()


class _StaticOnly:
    """A URL fetcher that serves files under `static/` and refuses everything else."""

    def __init__(self):
        from weasyprint.urls import URLFetcher  # see render_pdf

        self._fetcher = URLFetcher(allowed_protocols={"file"})
        self._root = _static()

    def fetch(self, url, headers=None):
        path = Path(unquote(urlsplit(url).path)).resolve()
        if urlsplit(url).scheme != "file" or not path.is_relative_to(self._root):
            raise ValueError(f"not a static file: {url}")
        return self._fetcher.fetch(path.as_uri(), headers)

    def __call__(self, url):
        return self.fetch(url)


def document_lang() -> str:
    """The language the document is written in: the request's (Swedish by default)."""
    locale = get_locale()
    return locale.language if locale is not None else "sv"


def render_pdf(template: str, *, title: str, **context) -> bytes:
    """Render `template` (a page extending `documents/base.html`) to a tagged PDF/UA-1."""
    # WeasyPrint (with Pango) takes a second to import: only a process that renders a PDF
    # pays for it, not every worker at its start.
    from weasyprint import CSS, HTML

    fetcher = _StaticOnly()
    root = _static()
    html = render_template(template, document_title=title, document_lang=document_lang(),
                           **context)
    stylesheets = [CSS(filename=str(root / name), url_fetcher=fetcher) for name in STYLESHEETS]
    return HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=stylesheets, pdf_variant="pdf/ua-1")


def csv_safe(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
