"""Text preparation that keeps character offsets, and the folded keys the matchers compare.

The text the NLP reads is a cleaned copy of the block; `prepare` returns, with it, the offset of each of its
characters in the block as written, so quotes and spans are cut from the original text, verbatim.
Re-casing (capital lines) keeps the length, so both copies share one offset map.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import lru_cache

_SAME_LENGTH = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00a0": " ",
        "\u202f": " ",
        "\t": " ",
        "\n": " ",
        "\r": " ",
        "\u2010": "-",
        "\u2011": "-",
    }
)
_SPACES = re.compile(r" +")
_TAG = re.compile(r"<[^>\n]{0,200}>")
_WORD = re.compile(r"[^\W\d_][\w'\-]*", re.UNICODE)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


class _FoldTable(dict):
    """Code point -> its folded form, computed on first sight (for `str.translate`): folding is per
    character (lower case, compatibility decomposition, combining marks dropped), so a text folds as the
    concatenation of its characters' folds, in one C loop."""

    def __missing__(self, code: int) -> str:
        c = chr(code).translate(_SAME_LENGTH).translate(_LIGATURES).lower()
        out = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
        self[code] = out
        return out


_FOLD = _FoldTable()


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """The key two spellings share: lower case, no accents, straight apostrophes, no ligatures (memoised:
    the matchers fold the same words over and over)."""
    return text.translate(_FOLD)


def prepare(text: str) -> tuple[str, list[int]]:
    """Cleaning for the NLP pass, with the offset in `text` of every character of the result.

    Markup is dropped, apostrophes and spaces unified, a word cut at a line end ("ma-\njeurs") joined at its
    hyphen, and every run of white space becomes one space (a PDF's column breaks would otherwise cut names
    in two for the NER). `offsets[i]` is where character i of the result is in `text`; `offsets[len(result)]`
    is `len(text)`.
    """
    blanked = _TAG.sub(lambda m: " " * len(m.group(0)), text).translate(_SAME_LENGTH)
    out: list[str] = []
    offsets: list[int] = []
    kept = 0  # characters of `blanked` copied so far
    size = 0  # characters of the result so far
    for m in _SPACES.finditer(blanked):
        s, e = m.span()
        if s > kept:
            out.append(blanked[kept:s])
            offsets.extend(range(kept, s))
            size += s - kept
        kept = e
        if s > 0 and blanked[s - 1] == "-" and _line_break_after(text, blanked, s - 1):
            continue  # "ma-\njeurs": the hyphen kept, the break dropped
        if size:  # a run of spaces (or a line break) is one space, none at the start
            out.append(" ")
            offsets.append(s)
            size += 1
    if kept < len(blanked):
        out.append(blanked[kept:])
        offsets.extend(range(kept, len(blanked)))
    offsets.append(len(blanked))
    return "".join(out), offsets


def _line_break_after(text: str, blanked: str, i: int) -> bool:
    """A hyphen followed by spaces and a line break, then a letter: a word (or a name) cut by the layout."""
    j = i + 1
    saw_newline = False
    while j < len(blanked) and blanked[j] == " ":
        saw_newline = saw_newline or text[j] == "\n"
        j += 1
    return saw_newline and j < len(blanked) and blanked[j].isalpha() and i > 0 and blanked[i - 1].isalpha()


def is_upper_line(line: str) -> bool:
    """A line written in capitals (contacts, signatures): at least two words and 80 % upper-case letters."""
    if sum(map(str.isupper, line)) < 5:  # fewer than 80 % of 6 letters: most lines, decided in C
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 6 or len(_WORD.findall(line)) < 2:
        return False
    return sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def recase(text: str, lower_words: Collection[str], keep_upper: Collection[str]) -> str:
    """Upper-case lines re-cased as a name would be written ("CCI BRETAGNE" -> "CCI Bretagne").

    Same length as the input; other lines are untouched. `keep_upper` holds the acronyms to keep as they are
    (folded), `lower_words` the function words to write in lower case.
    """
    if sum(map(str.isupper, text)) < 5:  # no line can be a capital line
        return text
    lines = text.split("\n")
    return "\n".join(
        _recase_line(line, lower_words, keep_upper) if is_upper_line(line) else line for line in lines
    )


def _recase_line(line: str, lower_words: Collection[str], keep_upper: Collection[str]) -> str:
    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        key = fold(w)
        if key in keep_upper:
            return w
        if key in lower_words or (key.endswith("'") and key in lower_words):
            return w.lower()
        low = w.lower()
        if "'" in low[:-1]:  # "D'AZUR" -> "d'Azur"
            head, _, tail = low.partition("'")
            return head + "'" + tail[:1].upper() + tail[1:] if head + "'" in lower_words else low.capitalize()
        cased = "-".join(p[:1].upper() + p[1:] for p in low.split("-"))
        return cased if len(cased) == len(w) else w

    out = _WORD.sub(word, line)
    return out if len(out) == len(line) else line
