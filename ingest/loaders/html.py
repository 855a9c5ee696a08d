"""HTML: visible text as Markdown-like lines (beautifulsoup4 with the lxml parser).

Headings become '#' lines, list items '- ' lines, each table row one line of
tab-separated cells, each cell kept as its inner HTML (whitespace collapsed) so
that the fiche parser sees the same `<b>`/`<p>` markup as in the corpus text.
"""

from __future__ import annotations

import codecs
import logging
import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from ingest.errors import EmptyDocument, UnreadableDocument
from ingest.loaders.text import check_not_binary, decode_text, join_blocks
from ingest.records import LoadedText
from ingest.shapes.outline_words import passage_kind, structure
from ingest.text import collapse_ascii_spaces

logger = logging.getLogger(__name__)

_DROPPED = ["script", "style", "nav", "head", "noscript", "template"]
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "dl"),
        *("dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "html", "li"),
        *("main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "tr", "ul", *_HEADINGS),
    }
)
_BLOCK_NAMES = sorted(_BLOCKS)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MAX_DEPTH = 200  # nested elements a page may have (real pages stay under 40; the walk below is recursive)


def decode_html(data: bytes, where: str) -> tuple[str, list[str]]:
    """Decode with the <meta charset> when there is one (a BOM wins), else like a text file."""
    check_not_binary(data, where)
    warnings: list[str] = []
    match = None if data.startswith(_BOMS) else _META_CHARSET.search(data[:8192])
    if match:
        declared = match.group(1).decode("ascii")
        try:
            encoding = codecs.lookup(declared).name
            if encoding in ("iso8859-1", "ascii"):  # as browsers do (WHATWG)
                encoding = "cp1252"
            text = data.decode(encoding)
        except LookupError:
            warnings.append(f"unknown charset {declared!r} in <meta charset>; ignored")
        except UnicodeDecodeError:
            warnings.append(f"the content is not in the charset {declared!r} its <meta charset> declares")
        else:
            if encoding != "utf-8":
                warnings.append(f"decoded as {encoding} (declared by <meta charset>, not UTF-8)")
            return text, warnings
    text, decode_warnings = decode_text(data, where)
    return text, warnings + decode_warnings


def _inline_text(tag: Tag) -> str:
    """Text of an inline element, with '\\n' for each <br>."""
    parts: list[str] = []
    for node in tag.descendants:
        if type(node) is NavigableString:
            parts.append(str(node))
        elif isinstance(node, Tag) and node.name == "br":
            parts.append("\n")
    return "".join(parts)


def _cell(cell: Tag) -> str:
    """A table cell as its inner HTML on one line."""
    return collapse_ascii_spaces(cell.decode_contents())


def _table_rows(table: Tag) -> list[str]:
    """One tab-separated line per row of this table (rows of nested tables stay in their cell)."""
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = [_cell(cell) for cell in tr.find_all(["td", "th"], recursive=False)]
        if any(cells):
            rows.append("\t".join(cells))
    return rows


def _list_items(tag: Tag, depth: int, lines: list[str]) -> None:
    """'- item' lines of a <ul>/<ol>, nested lists indented by two spaces per level."""
    for li in tag.find_all("li", recursive=False):
        parts: list[str] = []
        for child in li.children:
            if type(child) is NavigableString:
                parts.append(str(child))
            elif isinstance(child, Tag) and child.name not in ("ul", "ol"):
                text = _inline_text(child)
                parts.append(f" {text} " if child.name in _BLOCKS else text)
        text = collapse_ascii_spaces("".join(parts))
        if text:
            lines.append("  " * depth + "- " + text)
        for sub in li.find_all(["ul", "ol"], recursive=False):
            _list_items(sub, depth + 1, lines)


def _flush(inline: list[str], blocks: list[list[str]]) -> None:
    """Turn pending inline text into a paragraph block (one line per <br>)."""
    lines = [collapse_ascii_spaces(line) for line in "".join(inline).split("\n")]
    blocks.append([line for line in lines if line])
    inline.clear()


def _walk(node: Tag, blocks: list[list[str]]) -> None:
    """Blocks of a container, in document order; its direct text forms paragraphs."""
    inline: list[str] = []
    for child in node.children:
        if type(child) is NavigableString:
            inline.append(str(child))
            continue
        if not isinstance(child, Tag):  # comments, doctype, processing instructions
            continue
        if child.name == "br":
            inline.append("\n")
        elif child.name not in _BLOCKS and child.find(_BLOCK_NAMES) is None:
            inline.append(_inline_text(child))
        else:
            _flush(inline, blocks)
            _block(child, blocks)
    _flush(inline, blocks)


def _block(tag: Tag, blocks: list[list[str]]) -> None:
    """Render one block element."""
    name = tag.name
    if name in _HEADINGS:
        blocks.append(
            ["#" * _HEADINGS[name] + " " + collapse_ascii_spaces(_inline_text(tag).replace("\n", " "))]
        )
    elif name in ("ul", "ol"):
        lines: list[str] = []
        _list_items(tag, 0, lines)
        blocks.append(lines)
    elif name == "li":  # outside any list
        blocks.append(["- " + collapse_ascii_spaces(_inline_text(tag))])
    elif name == "table":
        if tag.caption is not None:
            blocks.append([collapse_ascii_spaces(_inline_text(tag.caption))])
        blocks.append(_table_rows(tag))
    elif name == "pre":
        blocks.append(tag.get_text().strip("\n").split("\n"))
    elif name != "hr":
        _walk(tag, blocks)


def _contents_nav(tag: Tag) -> bool:
    """A <nav> that is the document's own table of contents, kept: its heading or its aria-label names a
    contents passage ("Sommaire", "Table des matières": structure.toml [passages] sommaire)."""
    if tag.name != "nav":
        return False
    heading = tag.find(list(_HEADINGS))
    names = [str(tag.get("aria-label") or ""), heading.get_text(" ", strip=True) if heading else ""]
    return any(passage_kind(n, structure()) == "sommaire" for n in names if n)


def nesting_depth(root: Tag, limit: int) -> int:
    """How deep elements nest under ``root`` (iteratively), counting up to ``limit + 1`` at most."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        tag, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in tag.children if isinstance(child, Tag))
    return deepest


def load_html(data: bytes, where: str) -> LoadedText:
    """Visible text of an HTML page; script, style, nav (but a document's contents nav) and head are
    dropped."""
    text, warnings = decode_html(data, where)
    soup = BeautifulSoup(text, "lxml")
    for tag in soup.find_all(_DROPPED):
        if not tag.decomposed and not _contents_nav(tag):
            tag.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    if nesting_depth(soup, MAX_DEPTH) > MAX_DEPTH:
        raise UnreadableDocument(
            f"HTML imbriqué sur plus de {MAX_DEPTH} niveaux d'éléments (balisage malformé ou piégé)",
            where=where,
            valid=f"une page d'au plus {MAX_DEPTH} niveaux d'éléments imbriqués",
        )
    blocks: list[list[str]] = []
    _walk(soup.body or soup, blocks)
    lines = join_blocks(blocks)
    if not lines:
        raise EmptyDocument("la page HTML n'a aucun texte visible", where=where)
    logger.debug("%s: %d lines", where, len(lines))
    return LoadedText(lines=lines, format="html", pages=None, warnings=warnings)
