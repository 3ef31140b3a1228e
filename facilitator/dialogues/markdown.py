"""Reflection texts: Markdown as facilitators write it, rendered to safe HTML.

markdown-it-py renders with raw HTML turned off; nh3 then keeps only a small allow-list,
so scripts, event handlers and `javascript:` links never reach a page.
"""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

#: Headings inside a reflection sit below the reflection's own title (an h3).
HEADING_OFFSET = 3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "hr",
    "h4", "h5", "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _image_as_link(renderer, tokens, idx, options, env) -> str:
    # Nothing is loaded from the internet: an image becomes a link named by its alt text.
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    return f'<a href="{escape(src)}">{escape(alt or src)}</a>'


_md.add_render_rule("image", _image_as_link)


def _shift_headings(tokens) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_OFFSET, 6)
            token.tag = f"h{level}"


def render_markdown(text: str | None) -> Markup:
    """Safe HTML for `text`; an empty string gives empty markup."""
    if not text:
        return Markup("")
    tokens = _md.parse(text)
    _shift_headings(tokens)
    html = _md.renderer.render(tokens, _md.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return Markup(cleaned)
