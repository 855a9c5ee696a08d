"""Who / what / where, with territorial containment, and the coverage of a theme across territories.

A query on a territory finds the actions on that territory and on every narrower one (its EPCI and communes,
named places attached below it), and — flagged `scope: "wider"` — the actions on the territories that contain
it (a région-wide action answers a question on one of its communes).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import networkx as nx

from graph.coverage_queries import CoverageQueries
from graph.dispositif_queries import DispositifQueries
from graph.reference import ReferenceData
from graph.territories import Place
from graph.who_queries import WhoQueries
from ingest.errors import InputError
from ingest.text import fold

_STOP = set(
    [
        "le",
        "la",
        "les",
        "l",
        "de",
        "du",
        "des",
        "d",
        "un",
        "une",
        "et",
        "ou",
        "en",
        "a",
        "au",
        "aux",
        "pour",
        "par",
        "sur",
        "dans",
        "qui",
        "que",
        "quoi",
        "ou",
        "avec",
    ]
)


def _tokens(text: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9]+", fold(text)) if t not in _STOP and len(t) > 1]


def _stems(text: str) -> frozenset[str]:
    """Words by their first 5 letters, so that plurals and derivations match."""
    return frozenset(w[:5] for w in _tokens(text))


class Queries(WhoQueries, CoverageQueries, DispositifQueries):
    def __init__(self, g: nx.MultiDiGraph, reference: ReferenceData):
        self.g = g
        self.reference = reference
        self.ref = reference.territories
        self._children: dict[str, list[str]] = defaultdict(list)
        self._stems: dict[str, frozenset[str]] = {}  # action node -> stems of its text, computed once
        self._below: dict[str, frozenset[str]] = {}  # territory id -> below(), computed once
        self._actions = [n for n, d in g.nodes(data=True) if d.get("type") == "action"]
        self._in: dict[str, frozenset[str]] = {}  # action node -> the territories it is in (not excluded)
        for src, dst, data in g.edges(data=True):
            if data["kind"] == "part_of":
                self._children[dst].append(src)
        for n in self._actions:
            self._in[n] = frozenset(
                dst for _, dst, e in g.out_edges(n, data=True) if e["kind"] == "in" and not e.get("excluded")
            )

    # -- places -------------------------------------------------------------------------------------------

    def place(self, where: str) -> Place:
        hits = self.ref.lookup(where, levels=("region", "departement", "epci", "commune"))
        if not hits:
            suggestions = ", ".join(t.name for t in self.ref.search(where, limit=5)) or "aucune"
            raise InputError(
                f"lieu inconnu {where!r}",
                where="where",
                valid=f"un nom de commune, d'EPCI, de département ou de région, un code postal ou INSEE "
                f"(suggestions : {suggestions})",
            )
        return Place(hits[0], f"territory:{hits[0].id}")

    def below(self, place: Place) -> frozenset[str]:
        """The territory, every territory it contains, and named places attached below them (graph nodes)."""
        key = place.territory.id
        if key not in self._below:
            self._below[key] = frozenset(self._descend(place))
        return self._below[key]

    def _descend(self, place: Place) -> set[str]:
        ids = {place.territory.id, *self.ref.descendants(place.territory.id)}
        nodes = {f"territory:{i}" for i in ids}
        stack = [n for n in nodes if n in self.g]
        while stack:
            for child in self._children.get(stack.pop(), ()):
                if child not in nodes:
                    nodes.add(child)
                    stack.append(child)
        return nodes

    def above(self, place: Place) -> dict[str, str]:
        return {f"territory:{t.id}": t.name for t in self.ref.parents(place.territory.id)}

    # -- actions ------------------------------------------------------------------------------------------

    def action_text(self, node: str) -> str:
        d = self.g.nodes[node]
        parts = [d.get("label", ""), d.get("chapter") or "", d.get("description") or "", d.get("quote") or ""]
        for _, dst, e in self.g.out_edges(node, data=True):
            if e["kind"] in ("piloted_by", "partner", "theme", "mobilises", "targets"):
                parts.append(self.g.nodes[dst].get("label", ""))
                parts.extend(self.g.nodes[dst].get("aliases") or [])
        return " ".join(parts)

    def stems(self, node: str) -> frozenset[str]:
        if node not in self._stems:
            self._stems[node] = _stems(self.action_text(node))
        return self._stems[node]

    def territories_of(self, node: str) -> list[dict[str, Any]]:
        out = []
        for _, dst, e in self.g.out_edges(node, data=True):
            if e["kind"] == "in":
                d = self.g.nodes[dst]
                out.append(
                    {
                        "id": dst,
                        "name": d["label"],
                        "level": d.get("level"),
                        "code": d.get("code"),
                        "written": e.get("written"),
                        "inferred": bool(e.get("inferred")),
                    }
                )
        return out

    def actions(
        self,
        *,
        what: str | None = None,
        where: str | None = None,
        theme: str | None = None,
        actor: str | None = None,
    ) -> list[dict[str, Any]]:
        """Actions matching every given filter, each with its scope relative to `where` ('local' or
        'wider')."""
        candidates = self._actions
        scope: dict[str, str] = {}
        if where:
            place = self.place(where)
            down, up = self.below(place), set(self.above(place))
            kept = []
            for n in candidates:
                targets = self._in[n]
                if not targets.isdisjoint(down):
                    scope[n] = "local"
                elif not targets.isdisjoint(up):
                    scope[n] = "wider"
                else:
                    continue
                kept.append(n)
            candidates = kept
        if theme:
            node = theme if theme.startswith("theme:") else f"theme:{theme}"
            candidates = [n for n in candidates if self.g.has_edge(n, node)]
        if actor:
            actors = self.actor_family(actor)
            candidates = [n for n in candidates if any(dst in actors for _, dst in self.g.out_edges(n))]
        if what:
            wanted = {t[:5] for t in _tokens(what)}
            candidates = [n for n in candidates if wanted <= self.stems(n)]
        return [{"id": n, "scope": scope.get(n)} for n in candidates]

    def actor_family(self, name_or_id: str) -> set[str]:
        """An actor and its predecessors: asking for France Travail finds what Pôle emploi piloted."""
        if name_or_id in self.g:
            roots = {name_or_id}
        else:
            key = fold(name_or_id)
            roots = {
                n
                for n, d in self.g.nodes(data=True)
                if d.get("type") == "actor"
                and (
                    fold(d["label"]) == key
                    or key in {fold(a) for a in d.get("aliases") or []}
                    or fold(d.get("acronym") or "") == key
                )
            }
        family = set(roots)
        stack = list(roots)
        while stack:
            node = stack.pop()
            for src, _, e in self.g.in_edges(node, data=True):
                if e["kind"] == "successor" and src not in family:
                    family.add(src)
                    stack.append(src)
        return family

    def document_summary(self, doc_id: str | None) -> dict[str, Any] | None:
        node = f"document:{doc_id}"
        if node not in self.g:
            return None
        d = self.g.nodes[node]
        start, end = d.get("period_start"), d.get("period_end")
        period = (f"{start}-{end}" if start != end else str(start)) if start else None
        out = {
            "id": doc_id,
            "title": d.get("label"),
            "kind": d.get("kind"),
            "period": period,
            "past": bool(d.get("past")),
        }
        if d.get("past") and period and start != end:
            out["note"] = f"plan {period}, échu : vérifier que l'action est toujours en place"
        return out

    def actor_summary(self, actor_id: str) -> dict[str, Any]:
        a = self.g.nodes[actor_id]
        out = {"id": actor_id, "name": a["label"], "kind": a.get("kind")}
        successor = a.get("successor")
        if successor and successor in self.g:
            succ = self.g.nodes[successor]["label"]
            out["successor"] = {"id": successor, "name": succ, "since": a.get("successor_since")}
            out["display"] = f"{a['label']} (aujourd'hui {succ})"
        return out
