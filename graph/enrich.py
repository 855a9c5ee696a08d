"""Enrichers run on every action while the graph is built: the dispositifs it mentions (national thesaurus and
local schemes it names), and — when the vocabularies are present — the publics and themes it addresses.
Each statement carries the line and a quote of the text that supports it."""

from __future__ import annotations

import re
from typing import Any

from graph.build import Enricher
from graph.dispositifs import Thesaurus
from graph.reference import ReferenceData
from graph.vocabularies import Vocabularies
from ingest.records import ActionRecord
from ingest.text import collapse, fold, slug, strip_markup

_LOCAL_SCHEME = re.compile(r"\b(?:le\s+|du\s+|au\s+|un\s+)?dispositif\s+«\s*([^»]{3,60}?)\s*»", re.I)
# "le dispositif Prépa Compétences": a scheme named by capitalised words after the word, without quotes
_NAMED_SCHEME = re.compile(
    r"\b[Dd]ispositif\s+((?:[A-ZÀ-Ý][\w'’\-]*)(?:\s+(?:[A-ZÀ-Ý][\w'’\-]*|d[eu]s?|de\s+la|d['’]|à|et)){0,5})"
)
_NAME_TAIL = re.compile(r"(?:\s+(?:d[eu]s?|de\s+la|d['’]|à|et))+$")


Statement = tuple[
    str, dict[str, Any], str, dict[str, Any]
]  # target node, its attributes, edge kind, evidence


def _span(action: ActionRecord, lines: list[str]) -> tuple[int, str]:
    p = action.provenance
    return p.line_start, "\n".join(lines[p.line_start - 1 : p.line_end])


def _quote_at(text: str, start: int, end: int, width: int = 140) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    a, b = start - line_start, end - line_start
    lo, hi = max(0, a - width), min(len(line), b + width)
    quote = collapse(strip_markup(line[lo:hi]))
    return ("… " if lo else "") + quote + (" …" if hi < len(line) else "")


def dispositifs(thesaurus: Thesaurus, action: ActionRecord, lines: list[str]) -> list[Statement]:
    """The dispositifs of the thesaurus the action's text names, and the local schemes it names."""
    first, text = _span(action, lines)
    if not text:
        return []
    out, seen = [], set()
    for m in thesaurus.matcher.find(text):
        if m.dispositif_id in seen:
            continue
        seen.add(m.dispositif_id)
        line = first + text.count("\n", 0, m.start)
        out.append(
            (
                m.dispositif_id,
                thesaurus.index[m.dispositif_id].node_attrs(),
                "mobilises",
                {
                    "line_start": line,
                    "line_end": line,
                    "quote": _quote_at(text, m.start, m.end),
                    "written": m.surface,
                },
            )
        )
    national = [(m.start, m.end) for m in thesaurus.matcher.find(text)]
    for m in [*_LOCAL_SCHEME.finditer(text), *_NAMED_SCHEME.finditer(text)]:
        name = _NAME_TAIL.sub("", collapse(strip_markup(m.group(1))).strip(" ."))
        node = f"dispositif:local-{slug(name, 50)}"
        if node in seen or len(name) < 3:
            continue
        if m.re is _NAMED_SCHEME and any(s < m.end(1) and m.start(1) < e for s, e in national):
            continue  # a national dispositif of the thesaurus, not a local one
        seen.add(node)
        line = first + text.count("\n", 0, m.start())
        out.append(
            (
                node,
                {
                    "type": "dispositif",
                    "label": name,
                    "kind": "dispositif local",
                    "scope": "local",
                    "region": action.region,
                },
                "mobilises",
                {
                    "line_start": line,
                    "line_end": line,
                    "quote": _quote_at(text, m.start(), m.end()),
                    "written": m.group(0),
                },
            )
        )
    return out


def _locate(surface: str, first: int, text: str, width: int = 140) -> tuple[int, str]:
    """The document line of a classifier's evidence surface inside the action's span, and a quote around
    it."""
    key = fold(surface)
    for offset, raw in enumerate(text.split("\n")):
        line = collapse(strip_markup(raw))
        at = fold(line).find(key) if key else -1
        if at >= 0:
            lo, hi = max(0, at - width), min(len(line), at + len(key) + width)
            return first + offset, ("… " if lo else "") + line[lo:hi] + (" …" if hi < len(line) else "")
    return first, collapse(strip_markup(surface))


def publics_and_themes(vocabularies: Vocabularies, action: ActionRecord, lines: list[str]) -> list[Statement]:
    """The publics and themes the action addresses, each with the words that show it."""
    first, text = _span(action, lines)
    out = []
    for assignment in vocabularies.classify_action(action):
        concept = vocabularies.get(assignment.slug)
        kind = "theme" if assignment.scheme == "theme" else "targets"
        node = f"{assignment.scheme}:{assignment.slug}"
        evidence = assignment.evidence[0] if assignment.evidence else None
        line, quote = _locate(evidence.surface, first, text) if evidence else (first, "")
        out.append(
            (
                node,
                {"type": assignment.scheme, "label": concept.label, "definition": concept.definition},
                kind,
                {
                    "line_start": line,
                    "line_end": line,
                    "quote": quote,
                    "written": evidence.surface if evidence else None,
                    "score": round(assignment.score, 2),
                    "weak": assignment.weak or None,
                    "surfaces": sorted({e.surface for e in assignment.evidence}),
                },
            )
        )
    return out


def enrichers(reference: ReferenceData) -> list[Enricher]:
    """The enrichers over this reference data (each loads its thesaurus or vocabularies on first use)."""

    def mentioned_dispositifs(action: ActionRecord, lines: list[str]) -> list[Statement]:
        return dispositifs(reference.dispositifs, action, lines)

    def addressed_publics_and_themes(action: ActionRecord, lines: list[str]) -> list[Statement]:
        return publics_and_themes(reference.vocabularies, action, lines)

    return [mentioned_dispositifs, addressed_publics_and_themes]
