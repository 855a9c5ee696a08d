"""Structured filters over the actions of a knowledge graph, shared by the action listing and the search.

One object says which actions a caller wants: on a territory (containment: the narrower territories too, and
flagged "wider" the territories that contain it), of a theme, for a public, mobilising a dispositif (an id,
a slug, a label or an alias), by an actor (its former names included), from a document, with some words; and,
for the search, which type of node (action, dispositif or actor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.queries import Queries
from ingest.errors import InputError
from ingest.text import fold

TYPES = ("action", "dispositif", "actor")


def dispositif_node(queries: Queries, value: str) -> str:
    """The dispositif node named by an id (``dispositif:pmsmp`` or ``pmsmp``), a label or an alias.

    A scheme of the thesaurus that no action mobilises resolves to its id (and then matches no action)."""
    graph = queries.g
    node = value if value.startswith("dispositif:") else f"dispositif:{value}"
    if node in graph or queries.reference.dispositifs.get(node) is not None:
        return node
    key = fold(value)
    known = []
    for n, d in graph.nodes(data=True):
        if d.get("type") != "dispositif":
            continue
        known.append(n)
        if key in (fold(n.split(":", 1)[1]), fold(d["label"])) or key in {
            fold(a) for a in d.get("aliases") or []
        }:
            return n
    raise InputError(
        f"dispositif inconnu {value!r}",
        where="dispositif",
        valid="un identifiant, un libellé ou un alias de dispositif : " + ", ".join(sorted(known)),
    )


@dataclass(frozen=True)
class Filters:
    where: str | None = None
    theme: str | None = None
    public: str | None = None
    dispositif: str | None = None
    actor: str | None = None
    doc: str | None = None
    words: str | None = None
    type: str | None = None

    def any_action_filter(self) -> bool:
        return any((self.where, self.theme, self.public, self.dispositif, self.actor, self.doc, self.words))

    def actions(self, queries: Queries) -> list[dict[str, Any]]:
        """The actions passing every filter, in graph order, each ``{"id", "scope"}`` (scope: ``local`` or
        ``wider`` relative to ``where``, None without it)."""
        g = queries.g
        found = queries.actions(what=self.words, where=self.where, theme=self.theme, actor=self.actor)
        if self.public:
            target = self.public if self.public.startswith("public:") else f"public:{self.public}"
            found = [x for x in found if g.has_edge(x["id"], target)]
        if self.dispositif:
            target = dispositif_node(queries, self.dispositif)
            found = [x for x in found if g.has_edge(x["id"], target)]
        if self.doc:
            found = [x for x in found if g.nodes[x["id"]].get("doc") == self.doc]
        return found

    def nodes(self, queries: Queries, scopes: dict[str, str | None] | None = None) -> set[str] | None:
        """Graph nodes the filters allow (None: no restriction), the type included. With action filters,
        ``scopes`` (when given) is filled with each kept action's scope."""
        if self.type and self.type not in TYPES:
            raise InputError(f"type inconnu {self.type!r}", where="type", valid=", ".join(TYPES))
        if not self.any_action_filter():
            if not self.type:
                return None
            return {n for n, d in queries.g.nodes(data=True) if d.get("type") == self.type}
        if self.type and self.type != "action":
            raise InputError(
                "les filtres de territoire, thème, public, dispositif, acteur, document et mots "
                "ne retiennent que des actions",
                where="type",
                valid="action (ou aucun type)",
            )
        matched = self.actions(queries)
        if scopes is not None:
            scopes.update((x["id"], x["scope"]) for x in matched)
        return {x["id"] for x in matched}
