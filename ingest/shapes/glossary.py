"""Document-level facts: glossaries ('ACRONYM : expansion'), inline 'Name (ACR)' definitions and lists of
partners or participants. They are not actions; `graph` uses them to expand acronyms and merge actors."""

from __future__ import annotations

import re

from ingest.orgs import is_expansion, split_run
from ingest.records import GlossaryEntry, OrgMention
from ingest.shapes.context import Context
from ingest.text import collapse, fold, html_paragraphs, is_upper_text, strip_heading, strip_markup

_ENTRY = re.compile(r"^\s*(?:[-•▶►▪*]\s*)*([A-Z][\w'’\-\. ]{0,24}?)\s*:\s*(\S.{2,200})$")
_INLINE = re.compile(
    r"([A-ZÉÈ][\w'’\-]+(?:\s+(?:d[eu]s?|de\s+la|de\s+l'|d'|l'|la|le|les|et|pour|à|en|aux?)?\s*[\w'’\-]+){1,9})\s*\(([A-Z][A-Za-z0-9\-]{1,11})\)"
)
_GLOSSARY_HEAD = re.compile(
    r"^(?:#+\s*)?(?:\*\*)?\s*(glossaire|lexique|liste des (?:sigles|acronymes)|sigles)\b", re.I
)
_LIST_HEAD = re.compile(
    r"(liste des participants|participants|partenaires|signataires|contributeurs|membres)", re.I
)


def _acronymish(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return 2 <= len(letters) <= 14 and sum(c.isupper() for c in letters) >= max(2, len(letters) // 2)


def glossary(ctx: Context) -> list[GlossaryEntry]:
    entries: list[GlossaryEntry] = []
    in_glossary = False
    run: list[GlossaryEntry] = []
    for n, line in enumerate(ctx.lines, start=1):
        if _GLOSSARY_HEAD.match(strip_heading(line)):
            in_glossary = True
            continue
        m = _ENTRY.match(strip_markup(line))
        if m and _acronymish(m.group(1)) and "@" not in line:
            entry = GlossaryEntry(collapse(m.group(1)), collapse(m.group(2)).rstrip(" ."), n)
            if in_glossary:
                entries.append(entry)
            else:
                run.append(entry)
            continue
        if line.strip() and not m:
            if len(run) >= 5:
                entries.extend(run)  # an unheaded run of 'ACR : expansion' lines is a glossary too
            run = []
            if in_glossary and len(strip_markup(line)) > 3 and not line.lstrip().startswith(("-", "▶")):
                in_glossary = False
    if len(run) >= 5:
        entries.extend(run)
    entries += _inline(ctx, {fold(e.acronym) for e in entries})
    return entries


def _inline(ctx: Context, known: set[str]) -> list[GlossaryEntry]:
    """'Comité Régional de l'Économie Circulaire (CREC)': kept only when the words spell the acronym."""
    out = []
    for n, line in enumerate(ctx.lines, start=1):
        for m in _INLINE.finditer(strip_markup(line)):
            acr, words = m.group(2), m.group(1)
            key = fold(acr)
            if key in known or not _acronymish(acr):
                continue
            # keep the shortest tail of the words that still spells the acronym
            tokens = words.split()
            for i in range(len(tokens) - 1, -1, -1):
                tail = " ".join(tokens[i:])
                if is_expansion(acr, tail) and tokens[i][0].isupper():
                    out.append(GlossaryEntry(acr, tail, n, source="inline"))
                    known.add(key)
                    break
    return out


def _is_list_heading(text: str) -> bool:
    """'III. LES PARTENAIRES', 'LISTE DES PARTICIPANTS …', '► SIGNATAIRES HISTORIQUES 2012-2014'."""
    bare = re.sub(r"^[\s►▶•\-IVX\d.]+", "", text).strip()
    return (
        bool(_LIST_HEAD.search(bare))
        and len(bare) < 100
        and (is_upper_text(bare) or bare.lower().startswith("liste des"))
    )


def participants(ctx: Context) -> list[OrgMention]:
    """Items of partner / participant / signatory lists ('III. LES PARTENAIRES' and its bullets, or a
    paragraph of names run together under 'LISTE DES PARTICIPANTS')."""
    out: list[OrgMention] = []
    active, items = False, 0
    for n, line in enumerate(ctx.lines, start=1):
        text = strip_heading(line)
        if not text:
            continue
        if _is_list_heading(text) and "\t" not in line.strip("\t"):
            active, items = True, 0
            continue
        if active and re.match(r"^(?:[IVX]+|\d+)\.\s|^AXE\b", text):
            active = False  # the next numbered section
            continue
        is_item = bool(re.match(r"^\s*[-•▶►]\s+", line))
        if active and is_item:
            name = collapse(re.sub(r"^\s*[-•▶►]\s+", "", strip_markup(line)))
            if name and len(name) < 150:
                out.append(OrgMention(name, n, note="liste des partenaires"))
                items += 1
        elif active and len(text) > 300 and not is_item and not items:
            # one paragraph (or table cells) of names with no separator between them
            for cell in html_paragraphs(line.replace("\t", " </p> ")):
                for part in re.split(r"\s*,\s*", cell):
                    out += [
                        OrgMention(x.strip(" .–-"), n, note="liste des participants")
                        for x in split_run(part)
                        if len(x.strip(" .–-")) >= 2
                    ]
            active = False
        elif active and not text.startswith("(") and not (is_upper_text(text) and len(text) < 100):
            active = False
    return out
