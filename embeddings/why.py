"""Why a search result is relevant, in terms a reader checks: the query's words found in its passage, the
themes, places and dispositifs of an action that the query or the filters name, the kind of passage, and the
place relative to a territory filter — beside the fused score, which says only how high it ranked."""

from __future__ import annotations

from typing import Any

from embeddings.chunks import Chunk
from embeddings.french import tokens
from ingest.text import fold

_EDGES = {"theme": "themes", "mobilises": "dispositifs", "in": "places", "targets": "publics"}
PASSAGE_LABELS = {
    "diagnostic": "diagnostic",
    "edito": "édito ou préambule",
    "glossaire": "glossaire",
    "gouvernance": "gouvernance",
    "annexe": "annexe",
    "sommaire": "sommaire",
    "signataires": "signataires",
    "texte": "texte du document",
}


class Asked:
    """What a query and its filters ask, worked out once per search (not once per result): the query's
    words with their stems, the query's stems, the folded names the filters give."""

    def __init__(self, query: str, filters: Any) -> None:
        self.words: list[tuple[str, list[str]]] = []
        for word in query.replace("’", "'").split():
            word = word.strip(".,;:!?()«»\"'")
            stems = tokens(word)
            if stems and all(w != word for w, _ in self.words):
                self.words.append((word, stems))
        self.stems = frozenset(tokens(query))
        wanted = {fold(v) for v in (filters.where, filters.theme, filters.public, filters.dispositif) if v}
        if filters.theme:
            wanted.add(fold(filters.theme.removeprefix("theme:")))
        self.wanted = frozenset(wanted)

    def matched_words(self, present: set[str] | frozenset[str]) -> list[str]:
        """The query's words whose every stem is in `present` (a text's stems), in query order, once each."""
        return [word for word, stems in self.words if all(s in present for s in stems)]


def names(g, node: str) -> tuple[str, frozenset[str], frozenset[str]]:
    """A node's label, its folded names (label, id, aliases) and its label's stems: what a query or a filter
    may name it by (a theme, a place, a dispositif, a public is named when every stem of its label is in the
    query)."""
    d = g.nodes[node]
    label = d.get("label") or node
    folded = {fold(label), fold(node.split(":")[-1])} | {fold(a) for a in d.get("aliases") or []}
    return label, frozenset(folded), frozenset(tokens(label))


def reasons(engine: Any, asked: Asked, item: str, chunk: Chunk, scope: str | None) -> dict[str, Any]:
    """The `why` of one result: words, themes, places, dispositifs, passage type, scope, and a sentence."""
    words = asked.matched_words(engine.stems_of(chunk))
    found: dict[str, list[str]] = {key: [] for key in _EDGES.values()}
    g = engine.graph
    if item in g and g.nodes[item].get("type") == "action":
        for kind, dst in engine.edges_of(item):
            key = _EDGES.get(kind)
            if not key:
                continue
            label, names, stems = engine.names_of(dst)
            named = names & asked.wanted or (stems and stems <= asked.stems)
            if named and label not in found[key]:
                found[key].append(label)
    passage = engine.index.passages.get(item)
    out = {
        "matched_words": words,
        **found,
        "passage_type": passage.type if passage else None,
        "scope": scope,
    }
    out["summary"] = summary(out)
    return out


def summary(why: dict[str, Any]) -> str:
    """One French sentence for a reader: 'mots : garde, enfants ; thème : petite enfance ; …'."""
    parts = []
    if why["matched_words"]:
        parts.append("mots trouvés : " + ", ".join(why["matched_words"]))
    labels = (("themes", "thème"), ("places", "lieu"), ("dispositifs", "dispositif"), ("publics", "public"))
    for key, label in labels:
        if why.get(key):
            parts.append(f"{label} : " + ", ".join(why[key]))
    if why.get("passage_type"):
        parts.append("passage : " + PASSAGE_LABELS.get(why["passage_type"], why["passage_type"]))
    if why.get("scope") == "wider":
        parts.append("couvre un territoire plus large")
    elif why.get("scope") == "local":
        parts.append("sur le territoire demandé")
    return " ; ".join(parts) or "proche par le sens"
