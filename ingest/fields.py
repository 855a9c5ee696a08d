"""Small field extractors: contacts (e-mails, phones, web addresses), reported figures, budgets."""

from __future__ import annotations

import re

from ingest.records import Contact
from ingest.text import collapse, strip_markup

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.I)
PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)(?:\s?\d){9}(?!\d)|(?<!\d)0\s?8\d{2}(?:\s?\d{3}){2}(?!\d)")
URL = re.compile(r"(?:https?://|www\.)[^\s<>)\]]+", re.I)
_FIGURE = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)"
    r"(?:\s*(%|€|k€|K€|M€|millions?\b|milliards?\b))?"
    r"((?:\s+(?:de\s+|d'|d’)?[a-zéèêàâîôûç'’\-]{3,}){1,4})?",
)
_YEARISH = re.compile(r"^(?:19|20)\d{2}$")
_MONTH = re.compile(
    r"^(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b"
)


def _org_before(text: str, start: int) -> str | None:
    """'CCI BRETAGNE : 02 99 25 41 41' -> 'CCI BRETAGNE' (the name written just before the number)."""
    head = text[:start].rstrip(" :-–/")
    head = re.split(r"[\n;/]|\s[-–]\s(?=\S)|(?<=\d)\s+(?=[A-ZÉ])|\S+@\S+|(?:\d{2}\s?){4}\d{2}", head)[-1]
    head = collapse(head.strip(" :-–,"))
    if head and any(c.isalpha() for c in head) and len(head) <= 90 and "@" not in head:
        return head
    return None


def contacts_in(text: str, line: int, *, with_orgs: bool = False) -> list[Contact]:
    """Every e-mail, phone number and web address in `text`, optionally with the name written before it."""
    clean = strip_markup(text)
    out: list[Contact] = []
    for kind, pattern in (("email", EMAIL), ("phone", PHONE), ("url", URL)):
        for m in pattern.finditer(clean):
            value = m.group(0).rstrip(".,;")
            if kind == "url" and "@" in value:
                continue
            if kind == "phone":
                value = re.sub(r"\s+", " ", value).strip()
            org = _org_before(clean, m.start()) if with_orgs else None
            out.append(Contact(kind=kind, value=value, line=line, org=org))
    return out


def figures_in(text: str, limit: int = 12) -> list[str]:
    """Reported figures: '3 400 apprentis', '40 %', '50 000 €', '2 000 à 2 200 lits'."""
    out: list[str] = []
    for m in _FIGURE.finditer(strip_markup(text)):
        number, unit, words = m.group(1), m.group(2), (m.group(3) or "").strip()
        if _YEARISH.match(number) and not unit:
            continue
        if not unit and not words:
            continue
        if not unit and _MONTH.match(words):
            continue
        snippet = collapse(f"{number}{' ' + unit if unit else ''}{' ' + words if words and not unit else ''}")
        if len(number.replace(" ", "")) == 1 and not unit:
            continue
        if snippet not in out:
            out.append(snippet)
        if len(out) >= limit:
            break
    return out
