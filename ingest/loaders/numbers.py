"""Numbers drawn by word processors' list and outline numbering (DOCX, ODT): 1, I, i, A, a."""

from __future__ import annotations

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"))
_ROMAN += ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def format_number(n: int, fmt: str) -> str:
    """``n`` in a number format: "1", "I", "i", "A", "a" (other formats as digits)."""
    if fmt in ("I", "i"):
        out = ""
        for value, letters in _ROMAN:
            while n >= value:
                out, n = out + letters, n - value
        return out.upper() if fmt == "I" else out
    if fmt in ("A", "a") and n > 0:
        out = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            out = chr(ord(fmt) + r) + out
        return out
    return str(n)
