"""Enrichers run on every action while the graph is built: the dispositifs it mentions (national thesaurus and
local schemes it names), and — when the vocabularies are present — the publics and themes it addresses.
Each statement carries the line and a quote of the text that supports it."""

from __future__ import annotations

import functools
import re
from typing import Any

from graph.build import Enricher
from graph.dispositifs import Dispositif, default_matcher, dispositif_index
from ingest.text import collapse, fold, slug, strip_markup

_LOCAL_SCHEME = re.compile(r"\b(?:le\s+|du\s+|au\s+|un\s+)?dispositif\s+«\s*([^»]{3,60}?)\s*»", re.I)


def _span(action: dict[str, Any], lines: list[str]) -> tuple[int, str]:
    p = action["provenance"]
    return p["line_start"], "\n".join(lines[p["line_start"] - 1 : p["line_end"]])


def _quote_at(text: str, start: int, end: int, width: int = 140) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    a, b = start - line_start, end - line_start
    lo, hi = max(0, a - width), min(len(line), b + width)
    quote = collapse(strip_markup(line[lo:hi]))
    return ("… " if lo else "") + quote + (" …" if hi < len(line) else "")


@functools.cache
def _index() -> dict[str, Dispositif]:
    return dispositif_index()


def dispositif_node(d: Dispositif) -> dict[str, Any]:
    return {
        "type": "dispositif",
        "label": d.label,
        "kind": d.kind,
        "scope": d.scope,
        "definition": d.definition,
        "operator": list(d.operator),
        "publics": list(d.publics),
        "aliases": list(d.alt_labels),
        "territory_name": d.territory,
        "replaced_by": d.replaced_by,
        "replaced_on": d.replaced_on.isoformat() if d.replaced_on else None,
        "checked": d.checked.isoformat() if d.checked else None,
    }


def dispositifs(
    action: dict[str, Any], lines: list[str]
) -> list[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    first, text = _span(action, lines)
    if not text:
        return []
    index = _index()
    out, seen = [], set()
    for m in default_matcher().find(text):
        if m.dispositif_id in seen:
            continue
        seen.add(m.dispositif_id)
        line = first + text.count("\n", 0, m.start)
        d = index[m.dispositif_id]
        out.append(
            (
                m.dispositif_id,
                dispositif_node(d),
                "mobilises",
                {
                    "line_start": line,
                    "line_end": line,
                    "quote": _quote_at(text, m.start, m.end),
                    "written": m.surface,
                },
            )
        )
    for m in _LOCAL_SCHEME.finditer(text):
        name = collapse(strip_markup(m.group(1))).strip(" .")
        node = f"dispositif:local-{slug(name, 50)}"
        if node in seen or len(name) < 3:
            continue
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
                    "region": action.get("region"),
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
    """The document line of a classifier's evidence surface inside the action's span, and a quote around it."""
    key = fold(surface)
    for offset, raw in enumerate(text.split("\n")):
        line = collapse(strip_markup(raw))
        at = fold(line).find(key) if key else -1
        if at >= 0:
            lo, hi = max(0, at - width), min(len(line), at + len(key) + width)
            return first + offset, ("… " if lo else "") + line[lo:hi] + (" …" if hi < len(line) else "")
    return first, collapse(strip_markup(surface))


def publics_and_themes(
    action: dict[str, Any], lines: list[str]
) -> list[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    from graph.vocabularies import classify_action, get

    first, text = _span(action, lines)
    out = []
    for assignment in classify_action(action):
        concept = get(assignment.slug)
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


def enrichers() -> list[Enricher]:
    return [dispositifs, publics_and_themes]
