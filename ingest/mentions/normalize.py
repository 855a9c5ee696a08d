"""Text preparation that keeps character offsets, and the folded keys the matchers compare.

Every change made before the NLP pass replaces one character by one character, so an offset in the
prepared text is the same offset in the block as written: quotes and spans stay verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

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
_TAG = re.compile(r"<[^>\n]{0,200}>")
_WORD = re.compile(r"[^\W\d_][\w'\-]*", re.UNICODE)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """The key two spellings share: lower case, no accents, straight apostrophes, no ligatures."""
    text = text.translate(_SAME_LENGTH).translate(_LIGATURES).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def prepare(text: str) -> str:
    """Same-length cleaning for the NLP pass: markup blanked, apostrophes and spaces unified, one line."""
    out = _TAG.sub(lambda m: " " * len(m.group(0)), text)
    return out.translate(_SAME_LENGTH)


def is_upper_line(line: str) -> bool:
    """A line written in capitals (contacts, signatures): at least two words and 80 % upper-case letters."""
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 6 or len(_WORD.findall(line)) < 2:
        return False
    return sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def recase(text: str, lower_words: Collection[str], keep_upper: Collection[str]) -> str:
    """Upper-case lines re-cased as a name would be written ("CCI BRETAGNE" -> "CCI Bretagne").

    Same length as the input; other lines are untouched. `keep_upper` holds the acronyms to keep as they are
    (folded), `lower_words` the function words to write in lower case.
    """
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
