"""Editors' HTML made safe to publish, with nh3 (the Rust ammonia sanitiser).

An allowlist of tags and attributes that articles need (headings, lists, tables, links,
images, quotes); links only to http(s) and mailto, opened without giving the target page a
handle on ours; images only from this site's own files (relative addresses). Scripts, styles,
event handlers, iframes and every other tag are removed with their content where it is code.
"""

from __future__ import annotations

import re

import nh3

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Tags removed together with what they contain.
CLEAN_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
_OWN_IMAGE = re.compile(r"^/[^/]")


def _image_source(tag: str, attribute: str, value: str) -> str | None:
    """Images only from this site (a path starting with one "/"): no tracking pixels, no
    mixed content, nothing a visitor's browser fetches from elsewhere."""
    if tag == "img" and attribute == "src":
        # Browsers drop tabs and line breaks inside an address and read "\\" as "/", so
        # "/\\evil.example/x.png" and "/&#9;/evil.example/x.png" would load from another site.
        if any(char in value for char in "\t\n\r\\"):
            return None
        return value if _OWN_IMAGE.match(value) else None
    return value


def clean_html(html: str) -> str:
    """The HTML with everything outside the allowlist removed (see the module's docstring)."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=CLEAN_CONTENT,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_image_source,
        strip_comments=True,
    )


def plain_text(html: str) -> str:
    """The text of the HTML without any tag (for search and page descriptions)."""
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set())).strip()
