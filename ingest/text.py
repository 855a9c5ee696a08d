"""The one text module: markup, spaces, apostrophes, hyphenation, and the keys text is matched by.

Each normaliser has one job and a name that says it:

- :func:`collapse` (any space run -> one space) and :func:`collapse_ascii_spaces` (ASCII runs only: loaders
  keep non-breaking spaces as written);
- :func:`strip_accents` (case kept), :func:`fold` (the key for matching names: markup removed, lowercase, no
  accents, apostrophes unified), :func:`fold_with_offsets` (case kept, accents and typographic variants
  folded one character at a time, with the offset of each folded character in the source, so that a match in
  the folded text maps back onto the original);
- :func:`place_key` (names of places: punctuation as spaces, ASCII, "St" spelled out) and :func:`case_key`
  (lowercase, punctuation unified, accents kept, to prefer "Vire" over "Viré").
"""

from __future__ import annotations

import functools
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


_ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")
_PUNCT = re.compile(r"(?:[^\w\u0300-\u036f]|_)+")  # anything but letters, digits, combining accents
_NON_WORD = re.compile(r"[\W_]+")
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_SPECIAL = {  # characters that do not fold to themselves minus their accents
    "œ": "oe",
    "Œ": "OE",
    "æ": "ae",
    "Æ": "AE",
    "ß": "ss",
    "\u00ad": "",
    "`": "'",
    **dict.fromkeys("’‘ʼ´′", "'"),
    **dict.fromkeys("‐‑‒–—―", "-"),
    **dict.fromkeys("\u00a0\u202f\u2007\u2009\u200a\u2002\u2003", " "),
}


def unify_apostrophes(text: str) -> str:
    """Curly apostrophes and quotes become straight ones (for matching only; quotes stay verbatim)."""
    return text.translate(_APOS)


def collapse(text: str) -> str:
    """Every run of spaces, tabs and non-breaking spaces becomes one space; ends stripped."""
    return _SPACES.sub(" ", text).strip()


def collapse_ascii_spaces(text: str) -> str:
    """Collapse ASCII whitespace runs to one space (non-breaking spaces are kept), and strip."""
    return _ASCII_SPACE.sub(" ", text).strip(" ")


def strip_accents(text: str) -> str:
    """Accents removed (NFKD, combining marks dropped), case and everything else kept."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_EMPHASIS = re.compile(r"(?<!\w)\*(\S[^*]*\S|\S)\*(?!\w)")


def strip_markup(text: str) -> str:
    """Remove HTML tags and markdown emphasis, decode entities, collapse spaces."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "*" in text or "_" in text:
        text = text.replace("**", "").replace("__", "")
        text = _EMPHASIS.sub(r"\1", text)
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


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lowercase, accents removed, apostrophes unified, spaces collapsed: a key for matching (cached: the
    parsers fold the same headings and labels many times)."""
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
    """A verbatim quote of lines[start..end] (1-based, inclusive): markup removed, kept as written
    otherwise."""
    text = " ".join(strip_markup(line) for line in lines[start - 1 : end] if line.strip())
    text = collapse(text)
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > limit // 2 else limit] + " …"
    return text


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Strip accents and unify apostrophes, dashes and spaces, keeping case.

    Returns the folded text and, for each folded character, the offset of its source character
    (plus a final entry ``len(text)``), so that spans map back onto ``text``.
    """
    folded = text.translate(_FOLDED)
    if not text.translate(_UNEVEN):  # every character folds to exactly one: offsets are the identity
        return folded, list(range(len(text) + 1))
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        one = _fold_one(ch)
        chars.append(one)
        offsets.extend([i] * len(one))
    offsets.append(len(text))
    return "".join(chars), offsets


def _fold_one(ch: str) -> str:
    return ch if ch.isascii() and ch != "`" else _fold_char(ch)


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


class _Table(dict):
    """A `str.translate` table filled on first sight of each character (translation then runs in C)."""

    def __init__(self, value) -> None:
        super().__init__()
        self.value = value

    def __missing__(self, code: int) -> str:
        self[code] = out = self.value(chr(code))
        return out


_FOLDED = _Table(_fold_one)  # character -> its folded form
_UNEVEN = _Table(lambda ch: "" if len(_fold_one(ch)) == 1 else ch)  # kept: characters that do not fold to one


def place_key(text: str) -> str:
    """Fold case, accents, ligatures, apostrophes, hyphens and punctuation; expand St/Ste."""
    text = text.replace("\u00ad", "").casefold().replace("œ", "oe").replace("æ", "ae")
    text = _PUNCT.sub(" ", text)  # before dropping non-ASCII, so that "l’Eure" keeps two words
    words = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").split()
    return " ".join(_SAINTS.get(w, w) for w in words) if "st" in text else " ".join(words)


def case_key(text: str) -> str:
    """Lowercase and unify punctuation but keep accents (to prefer "Vire" over "Viré" for "Vire")."""
    return " ".join(_NON_WORD.sub(" ", unicodedata.normalize("NFC", text).casefold()).split())
