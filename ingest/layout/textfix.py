"""Text repairs any layout loader needs: joining lines with hyphenation undone, glyph substitutions.

Hyphenation: a line ending in a hyphen after a lower-case letter, followed by a line starting with a
lower-case letter, is one word cut at the line end ("deman-" + "deurs" -> "demandeurs"), unless the
document writes that very compound with its hyphen elsewhere ("rendez-vous"). A hyphen after an
upper-case letter ("AUVERGNE-RHÔNE") or before an upper-case letter ("Saint-Lô") is kept.
"""

from __future__ import annotations

import re

HYPHENS = "-\u2010\u2011\u00ad\ufffe\x02"  # "\ufffe" / "\x02": PDFium's mark of a hyphen at a line end
_COMPOUND = re.compile(r"\b([^\W\d_]+)-([^\W\d_]+)\b")
_LAST_WORD = re.compile(r"([^\W\d_]+)$")
_FIRST_WORD = re.compile(r"^([^\W\d_]+)")
# "¤" (U+00A4, the generic currency sign) where a euro sign is meant: after digits, or beside k/M.
_CURRENCY = re.compile(r"(?<=\d)(\s?)\u00a4|(?<=\d\s[kM])\u00a4|(?<=\d[kM])\u00a4|\u00a4(?=\s?\d)")


def compounds(texts: list[str]) -> set[str]:
    """Hyphenated words written inside lines ('rendez-vous'), lower-cased: kept when cut at a line end."""
    found: set[str] = set()
    for text in texts:
        for match in _COMPOUND.finditer(text):
            found.add(match.group(0).lower())
    return found


def ends_with_hyphen(text: str) -> bool:
    return bool(text) and text[-1] in HYPHENS


def join_lines(lines: list[str], known: set[str] | frozenset[str] = frozenset()) -> str:
    """Lines of one block as one text: spaces between lines, hyphenation at line ends undone."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
        elif ends_with_hyphen(out):
            out = _join_hyphenated(out, line, known)
        else:
            out = f"{out} {line}"
    return _clean_marks(out)


def _join_hyphenated(head: str, tail: str, known: set[str] | frozenset[str]) -> str:
    stem = head[:-1]
    last, first = _LAST_WORD.search(stem), _FIRST_WORD.match(tail)
    if not last or not first:
        return head.rstrip("\ufffe\x02\u00ad") + ("-" if head[-1] in "\ufffe\x02" else "") + tail
    left, right = last.group(1), first.group(1)
    if left[-1].islower() and right[0].islower() and f"{left}-{right}".lower() not in known:
        return stem + tail
    return stem + "-" + tail


def _clean_marks(text: str) -> str:
    """Soft hyphens and PDFium's hyphen marks left inside a text (not at a line end)."""
    return text.replace("\u00ad", "").replace("\ufffe", "-").replace("\x02", "-")


# Presentation forms a text layer keeps when a font draws a ligature as one glyph, and the spaces and
# invisible marks that are not words' separators as written ("ﬁnance" -> "finance", thin spaces -> " ").
LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
ODD_SPACES = {chr(c): " " for c in (*range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}
INVISIBLE = {chr(c): "" for c in (0x200B, 0x2060, 0xFEFF)}
_GLYPHS = str.maketrans({**LIGATURES, **ODD_SPACES, **INVISIBLE})
_GLYPH_CHARS = re.compile("[" + "".join(re.escape(c) for c in (*LIGATURES, *ODD_SPACES, *INVISIBLE)) + "]")


def repair_glyphs(text: str) -> tuple[str, int]:
    """Ligature glyphs spelled out, odd spaces made plain, invisible marks and inner soft hyphens dropped;
    returns the text and the number of characters repaired."""
    count = len(_GLYPH_CHARS.findall(text)) + text.count("\u00ad")
    if not count:
        return text, 0
    return text.translate(_GLYPHS).replace("\u00ad", ""), count


def repair_currency(text: str) -> tuple[str, int]:
    """'12 M¤', '300 ¤', '¤ 300' -> '€'; returns the text and the number of repairs."""
    count = 0

    def euro(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return (match.group(1) or "") + "€"

    return _CURRENCY.sub(euro, text), count
