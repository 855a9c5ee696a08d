"""Text helpers shared by the shape detectors: markup, apostrophes, hyphenation, normalised keys."""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[^>]+>")
_BLOCK_BREAK = re.compile(r"</p>|<br\s*/?>|<li[^>]*>|</li>|</ul>|<ul[^>]*>|</div>|</tr>", re.I)
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_MD_WRAP = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?(.*?)(?:\*\*|__)?\s*$")

TOC_LINE = re.compile(r"(?:\.{4,}\s*\t?\s*\d+\s*$)|(?:\t\s*-\s*\d+\s*-\s*$)")
PAGE_FOOTER = re.compile(r"^\s*-\s*\d{1,3}\s*-\s*$")


def unify_apostrophes(text: str) -> str:
    """Curly apostrophes and quotes become straight ones (for matching only; quotes stay verbatim)."""
    return text.translate(_APOS)


def collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def strip_markup(text: str) -> str:
    """Remove HTML tags and markdown emphasis, decode entities, collapse spaces."""
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<!\w)\*(\S[^*]*\S|\S)\*(?!\w)", r"\1", text)
    return collapse(text)


def html_paragraphs(fragment: str) -> list[str]:
    """Split an HTML table-cell fragment into its paragraphs / list items, as clean text."""
    parts = _BLOCK_BREAK.split(fragment)
    out = [strip_markup(p) for p in parts]
    return [p for p in out if p]


def strip_heading(line: str) -> str:
    """'#### **Proposition 1-1 : X**' -> 'Proposition 1-1 : X' (markdown heading marks and bold removed)."""
    m = _MD_WRAP.match(line)
    return strip_markup(m.group(1) if m else line)


def fold(text: str) -> str:
    """Lowercase, accents removed, apostrophes unified, spaces collapsed: a key for matching."""
    text = unify_apostrophes(strip_markup(text)).lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return collapse(text.replace("œ", "oe").replace("æ", "ae"))


def join_wrapped(lines: list[str]) -> str:
    """Join lines broken by a PDF layout into one line, undoing end-of-line hyphenation.

    'terri-' + 'toriales' -> 'territoriales'; 'AUVERGNE- ' + 'RHONE-ALPES' -> 'AUVERGNE-RHONE-ALPES'.
    """
    out = ""
    for raw in lines:
        line = collapse(raw)
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and not out.endswith(" -"):
            prev_word = re.search(r"(\w+)-$", out)
            # An upper-case word before the hyphen is a compound (AUVERGNE-RHONE); lower-case is hyphenation.
            out = out + line if prev_word and prev_word.group(1).isupper() else out[:-1] + line
        else:
            out = out + " " + line
    return out


def is_upper_text(text: str, threshold: float = 0.85) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= threshold


def slug(text: str, max_len: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return s[:max_len].rstrip("-") or "x"


def quote_of(lines: list[str], start: int, end: int, limit: int = 400) -> str:
    """A verbatim quote of lines[start..end] (1-based, inclusive): markup removed, kept as written otherwise."""
    text = " ".join(strip_markup(line) for line in lines[start - 1 : end] if line.strip())
    text = collapse(text)
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > limit // 2 else limit] + " …"
    return text
