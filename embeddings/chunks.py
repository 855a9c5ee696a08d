"""What is indexed: actions (a header chunk with title, chapter, pilots and places, then the text of the
action in passages of a few lines, each tied to its line span), dispositifs (label, definition, conditions)
and actors (name and what they pilot). A chunk's hash (text + encoder) decides whether its vector must be
recomputed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import networkx as nx

from ingest.text import collapse, strip_heading

MAX_WORDS = 160


@dataclass(frozen=True)
class Chunk:
    id: str  # "<item id>#<n>"
    item: str  # graph node id: "action:…", "dispositif:…", "actor:…"
    kind: str  # "action", "dispositif", "actor"
    text: str
    doc: str | None = None
    line_start: int | None = None
    line_end: int | None = None

    def digest(self, encoder: str) -> str:
        return hashlib.sha1(f"{encoder}\n{self.text}".encode()).hexdigest()


def _passages(lines: list[tuple[int, str]]) -> Iterator[tuple[int, int, str]]:
    """Group (line number, text) into passages of at most MAX_WORDS words; split very long lines at
    sentences."""
    buf: list[str] = []
    start = end = None
    count = 0
    for n, text in lines:
        pieces = [text] if len(text.split()) <= MAX_WORDS else re.split(r"(?<=[.;:!?])\s+", text)
        for piece in pieces:
            words = len(piece.split())
            if buf and count + words > MAX_WORDS:
                yield start, end, " ".join(buf)
                buf, count, start = [], 0, None
            start = n if start is None else start
            end = n
            buf.append(piece)
            count += words
    if buf:
        yield start, end, " ".join(buf)


def _neighbours(g: nx.MultiDiGraph, node: str, kinds: tuple[str, ...]) -> list[str]:
    return [g.nodes[dst]["label"] for _, dst, e in g.out_edges(node, data=True) if e["kind"] in kinds]


def action_chunks(g: nx.MultiDiGraph, node: str, doc_lines: list[str]) -> list[Chunk]:
    d = g.nodes[node]
    pilots = ", ".join(_neighbours(g, node, ("piloted_by",)))
    places = ", ".join(_neighbours(g, node, ("in",)))
    header = ". ".join(
        x
        for x in (
            d["label"],
            d.get("chapter"),
            f"Pilotes : {pilots}" if pilots else "",
            f"Territoires : {places}" if places else "",
        )
        if x
    )
    # the header is written by qfq (no line span): the passages below are the document's own words
    chunks = [Chunk(f"{node}#0", node, "action", header, d.get("doc"))]
    span = [
        (n, collapse(strip_heading(doc_lines[n - 1])))
        for n in range(d.get("line_start") or 1, (d.get("line_end") or 0) + 1)
        if 0 < n <= len(doc_lines)
    ]
    span = [(n, t) for n, t in span if t]
    for i, (start, end, text) in enumerate(_passages(span), start=1):
        chunks.append(Chunk(f"{node}#{i}", node, "action", text, d.get("doc"), start, end))
    return chunks


def dispositif_chunk(g: nx.MultiDiGraph, node: str) -> Chunk:
    d = g.nodes[node]
    parts = [
        d["label"],
        ", ".join(d.get("aliases") or []),
        d.get("definition") or "",
        d.get("kind") or "",
        "Opérateur : " + ", ".join(d.get("operator") or []) if d.get("operator") else "",
    ]
    return Chunk(f"{node}#0", node, "dispositif", ". ".join(p for p in parts if p))


def actor_chunk(g: nx.MultiDiGraph, node: str) -> Chunk:
    d = g.nodes[node]
    piloted = [
        g.nodes[src]["label"] for src, _, e in g.in_edges(node, data=True) if e["kind"] == "piloted_by"
    ][:12]
    parts = [
        d["label"],
        d.get("expansion") or "",
        d.get("kind") or "",
        ", ".join(d.get("aliases") or [])[:300],
        "Pilote : " + " ; ".join(piloted) if piloted else "",
    ]
    return Chunk(f"{node}#0", node, "actor", ". ".join(p for p in parts if p))


def all_chunks(g: nx.MultiDiGraph, lines_of) -> list[Chunk]:
    """Every chunk of the graph; `lines_of(doc_id)` gives a document's stored lines."""
    out: list[Chunk] = []
    cache: dict[str, list[str]] = {}
    for node, d in sorted(g.nodes(data=True)):
        kind = d.get("type")
        if kind == "action":
            doc = d.get("doc")
            if doc not in cache:
                cache[doc] = lines_of(doc)
            out.extend(action_chunks(g, node, cache[doc]))
        elif kind == "dispositif":
            out.append(dispositif_chunk(g, node))
        elif kind == "actor" and not d.get("generic"):
            out.append(actor_chunk(g, node))
    return out
