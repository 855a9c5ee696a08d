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
from ingest.labels import default_lexicon
from ingest.loaders.markdown import LABEL_ITEM
from ingest.loaders.text import check_not_binary, decode_text, join_blocks
from ingest.records import LoadedText
from ingest.shapes.outline_words import classify, passage_kind, structure
from ingest.text import collapse_ascii_spaces

logger = logging.getLogger(__name__)

_DROPPED = ["script", "style", "nav", "head", "noscript", "template"]
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_HASH_LINE = re.compile(r"^(#{1,6})\s")
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
_SOURCE_BREAKS = str.maketrans("\r\n\t", "   ")
_FONT_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)pt", re.IGNORECASE)
_BOLD_STYLE = re.compile(r"font-weight:\s*(?:bold|[6-9]00)", re.IGNORECASE)
_BOLD_TITLE_MAX = 180  # characters: a longer bold paragraph is emphasised prose, not a title
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


def _spaced(node: NavigableString) -> str:
    """A text node as shown: its line ends and tabs are spaces (a page's source wraps its lines anywhere,
    inside a paragraph too); only <br> breaks a line."""
    return str(node).translate(_SOURCE_BREAKS)


def _inline_text(tag: Tag) -> str:
    """Text of an inline element, with '\\n' for each <br>."""
    parts: list[str] = []
    for node in tag.descendants:
        if type(node) is NavigableString:
            parts.append(_spaced(node))
        elif isinstance(node, Tag) and node.name == "br":
            parts.append("\n")
    return "".join(parts)


def _cell(cell: Tag) -> str:
    """A table cell as its inner HTML on one line (its own markup kept: <b>, <p>, <ul>…). Word's marks
    of its own (namespaced tags such as ``<o:p>``) are opened and a paragraph with no text (``<p
    class=MsoNormal><o:p>&nbsp;</o:p></p>``) left out."""
    for tag in cell.find_all(lambda t: ":" in t.name):
        tag.unwrap()
    for tag in cell.find_all(("p", "div")):
        if not tag.get_text().strip():
            tag.decompose()
    return collapse_ascii_spaces(cell.decode_contents().translate(_SOURCE_BREAKS))


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


def _list_items(tag: Tag, depth: int, lines: list[str], heading: int = 0) -> None:
    """'- item' lines of a <ul>/<ol>, nested lists indented by two spaces per level. With ``heading`` (the
    level of the last heading above the list), an item of an ``<ol>`` that holds a nested list and is no
    label item ("Partenaires :" above its sub-list) is a heading one level deeper per such nesting: a plan
    written as nested lists (axes > actions > fields), as the Markdown loader reads one."""
    for li in tag.find_all("li", recursive=False):
        parts: list[str] = []
        for child in li.children:
            if type(child) is NavigableString:
                parts.append(str(child))
            elif isinstance(child, Tag) and child.name not in ("ul", "ol"):
                text = _inline_text(child)
                parts.append(f" {text} " if child.name in _BLOCKS else text)
        text = collapse_ascii_spaces("".join(parts))
        subs = li.find_all(["ul", "ol"], recursive=False)
        titled = heading and tag.name == "ol" and subs and text and not _label_item(text)
        if titled:
            lines.append("#" * min(6, heading + 1) + " " + text)
        elif text:
            lines.append("  " * depth + "- " + text)
        for sub in subs:
            _list_items(sub, depth + 1, lines, heading + 1 if titled else 0)


def _label_item(text: str) -> bool:
    """A field label above its own sub-list ("Partenaires :", "Partenaires : voir ci-dessous"), not a titled
    item ("Enjeu 1 : Restaurer …", whose words before the colon name no field)."""
    if text.rstrip().endswith(":"):
        return True
    if classify(text).role in ("level", "unit", "sub"):  # a level or unit word and its number
        return False
    return bool(LABEL_ITEM.search(text)) and default_lexicon().match(text.split(":", 1)[0]) is not None


def _flush(inline: list[str], blocks: list[list[str]]) -> None:
    """Turn pending inline text into a paragraph block (one line per <br>)."""
    lines = [collapse_ascii_spaces(line) for line in "".join(inline).split("\n")]
    blocks.append([line for line in lines if line.strip()])  # a paragraph of &nbsp; is blank
    inline.clear()


def _walk(node: Tag, blocks: list[list[str]]) -> None:
    """Blocks of a container, in document order; its direct text forms paragraphs."""
    inline: list[str] = []
    for child in node.children:
        if type(child) is NavigableString:
            inline.append(_spaced(child))
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


def _last_heading(blocks: list[list[str]]) -> int:
    """The level of the last heading line written (1 when there is none: the page's title level)."""
    for block in reversed(blocks):
        for line in reversed(block):
            if m := _HASH_LINE.match(line):
                return len(m.group(1))
    return 1


def _block(tag: Tag, blocks: list[list[str]]) -> None:
    """Render one block element."""
    name = tag.name
    if name in _HEADINGS:
        blocks.append(
            ["#" * _HEADINGS[name] + " " + collapse_ascii_spaces(_inline_text(tag).replace("\n", " "))]
        )
    elif name in ("ul", "ol"):
        lines: list[str] = []
        contents = tag.find_parent("nav") is not None  # a contents nav lists the headings, it holds none
        _list_items(tag, 0, lines, 0 if contents else _last_heading(blocks))
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


def _all_bold(tag: Tag) -> bool:
    """Every piece of text in ``tag`` is inside <b>, <strong> or a bold style."""
    texts = [n for n in tag.descendants if type(n) is NavigableString and n.strip()]
    if not texts:
        return False
    for node in texts:
        parent = node.parent
        while parent is not None and parent is not tag.parent:
            if parent.name in ("b", "strong") or _BOLD_STYLE.search(str(parent.get("style") or "")):
                break
            parent = parent.parent
        else:
            return False
    return True


def _bold_title(tag: Tag) -> float | None:
    """The font size (pt, 0 when none is set) of a paragraph that is a title set by hand: short, all in
    bold, no sentence and no "Label :", not in a table or a list; None for any other paragraph."""
    if tag.find_parent(("table", "li")) is not None or tag.find(_BLOCK_NAMES) is not None:
        return None
    text = " ".join(_inline_text(tag).split())
    if not text or len(text) > _BOLD_TITLE_MAX or text.endswith((":", ".", ";", ",")):
        return None
    if not any(c.isalpha() for c in text) or not _all_bold(tag):
        return None
    styles = [str(t.get("style") or "") for t in (tag, *tag.find_all(True))]
    return max((float(m) for st in styles for m in _FONT_SIZE.findall(st)), default=0.0)


def titles_as_headings(root: Tag) -> None:
    """A page with no h1-h6 (a word processor's "save as web page" with headings set by hand: bold
    paragraphs in a larger size): its bold title paragraphs become headings, one level per font size,
    the largest first."""
    if root.find(list(_HEADINGS)) is not None:
        return
    titles = [(tag, size) for tag in root.find_all(("p", "div")) if (size := _bold_title(tag)) is not None]
    sizes = sorted({size for _, size in titles}, reverse=True)
    for tag, size in titles:
        text = " ".join(_inline_text(tag).split())
        tag.clear()
        tag.append(text)
        tag.name = f"h{min(sizes.index(size) + 1, 6)}"


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
    titles_as_headings(soup.body or soup)
    blocks: list[list[str]] = []
    _walk(soup.body or soup, blocks)
    lines = join_blocks(blocks)
    if not lines:
        raise EmptyDocument("la page HTML n'a aucun texte visible", where=where)
    logger.debug("%s: %d lines", where, len(lines))
    return LoadedText(lines=lines, format="html", pages=None, warnings=warnings)
