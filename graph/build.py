"""The knowledge graph: a networkx MultiDiGraph derived from the store.

Nodes: document, action, actor, territory, dispositif, public, theme (attribute `type`, `label`).
Edges (key = edge id, attribute `kind`): action -piloted_by-> actor, action -partner-> actor,
action -contact-> actor, action -in-> territory, action -mobilises-> dispositif, action -targets-> public,
action -theme-> theme, action -from-> document, territory -part_of-> territory,
dispositif -operated_by-> actor, dispositif -targets-> public, actor -successor-> actor.
Every edge drawn from a text carries its provenance: doc, line_start, line_end, quote.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.actors import ActorResolver, DocContext
from graph.linking import LinkedTerritory, TerritoryLinker
from graph.store import Store
from graph.territories import Referential
from ingest.text import collapse, fold, slug, strip_markup

log = logging.getLogger(__name__)

# Enrichers (dispositifs, publics, themes): (action record, document lines) -> [(node, node attrs, edge kind,
# evidence)], the evidence holding line_start, line_end and quote.
Enricher = Callable[[dict[str, Any], list[str]], list[tuple[str, dict[str, Any], str, dict[str, Any]]]]


@dataclass
class BuiltGraph:
    graph: nx.MultiDiGraph
    resolver: ActorResolver
    unmatched_territories: list[str] = field(default_factory=list)


def _public_label(slug: str) -> str:
    from graph.vocabularies import get

    try:
        return get(slug).label
    except Exception:  # a thesaurus slug the vocabulary does not define: keep the slug, visibly
        log.warning("public %r of the dispositif thesaurus is not in the vocabulary", slug)
        return slug


def _quote(lines: list[str], line: int | None, limit: int = 300) -> str:
    if not line or not 1 <= line <= len(lines):
        return ""
    text = collapse(strip_markup(lines[line - 1]))
    return text if len(text) <= limit else text[: limit - 2].rsplit(" ", 1)[0] + " …"


class GraphBuilder:
    def __init__(
        self,
        store: Store,
        referential: Referential,
        *,
        enrichers: list[Enricher] | None = None,
        today: dt.date | None = None,
    ):
        self.store = store
        self.ref = referential
        self.enrichers = enrichers or []
        self.today = today or dt.date.today()
        self.g = nx.MultiDiGraph()
        self.resolver = ActorResolver(referential)
        self._edge_n = 0
        self.unmatched: set[str] = set()

    def edge(self, src: str, dst: str, kind: str, **attrs: Any) -> None:
        self._edge_n += 1
        key = f"e{self._edge_n}"
        self.g.add_edge(
            src, dst, key=key, kind=kind, **{k: v for k, v in attrs.items() if v not in (None, "")}
        )

    def build(self) -> BuiltGraph:
        for doc in self.store.documents():
            self._document(doc)
        self._operators()
        self.resolver.successors()
        for actor in self.resolver.actors.values():
            self._actor_node(actor)
        for actor in self.resolver.actors.values():
            if actor.successor:
                self.edge(actor.id, actor.successor, "successor", since=actor.successor_since)
        log.debug("graph: %d nodes, %d edges", self.g.number_of_nodes(), self.g.number_of_edges())
        return BuiltGraph(self.g, self.resolver, sorted(self.unmatched, key=fold))

    # -- documents and actions --------------------------------------------------------------------------------

    def _document(self, doc: dict[str, Any]) -> None:
        doc_node = f"document:{doc['id']}"
        past = bool(doc.get("period_end") and doc["period_end"] < self.today.year)
        self.g.add_node(
            doc_node,
            type="document",
            label=doc.get("title") or doc["id"],
            kind=doc.get("kind"),
            region=doc.get("region"),
            department=doc.get("department"),
            issuer=doc.get("issuer"),
            period_start=doc.get("period_start"),
            period_end=doc.get("period_end"),
            past=past,
            path=doc.get("path"),
        )
        glossary = {g["acronym"]: g["expansion"] for g in self.store.glossary(doc["id"])}
        linker = TerritoryLinker(
            self.ref, region=doc.get("region"), department=doc.get("department"), glossary=glossary
        )
        lines = self.store.lines(doc["id"])
        base_ctx = DocContext(
            doc["id"], linker.region, linker.department, {fold(k): v for k, v in glossary.items()}
        )
        for action in self.store.actions(doc["id"]):
            self._action(action, doc_node, linker, base_ctx, lines)

    def _action(
        self,
        a: dict[str, Any],
        doc_node: str,
        linker: TerritoryLinker,
        base_ctx: DocContext,
        lines: list[str],
    ) -> None:
        node = f"action:{a['id']}"
        p = a["provenance"]
        region_t = self.ref.lookup(a["region"], levels=("region",)) if a.get("region") else []
        ctx = base_ctx
        if region_t and (base_ctx.region is None or base_ctx.region.id != region_t[0].id):
            ctx = DocContext(base_ctx.doc_id, region_t[0], None, base_ctx.glossary)
        self.g.add_node(
            node,
            type="action",
            label=a["title"],
            ref=a.get("ref"),
            doc=a["doc"],
            region=a.get("region"),
            chapter=a.get("chapter"),
            shape=a["shape"],
            line_start=p["line_start"],
            line_end=p["line_end"],
            page=p.get("page"),
            quote=p["quote"],
            budget=a.get("budget"),
            calendar=a.get("calendar"),
            description=a.get("description") or None,
            keys_to_success=a.get("keys_to_success") or [],
            figures=a.get("figures") or [],
        )
        prov = {"doc": a["doc"], "line_start": p["line_start"], "line_end": p["line_end"]}
        self.edge(node, doc_node, "from", **prov, quote=p["quote"])
        context = " ".join(filter(None, (a.get("intitule"), a.get("perimeter"), a.get("description"))))
        for role, mentions in (("piloted_by", a["pilots"]), ("partner", a["partners"])):
            for m in mentions:
                actor = self.resolver.resolve(m["name"], ctx, context)
                self.edge(
                    node,
                    actor.id,
                    role,
                    doc=a["doc"],
                    line_start=m["line"],
                    line_end=m["line"],
                    quote=_quote(lines, m["line"]),
                    note=m.get("note"),
                    written=m["name"],
                )
        for c in a["contacts"]:
            if c.get("org"):
                actor = self.resolver.resolve(c["org"], ctx, context)
                self.edge(
                    node,
                    actor.id,
                    "contact",
                    doc=a["doc"],
                    line_start=c["line"],
                    line_end=c["line"],
                    quote=_quote(lines, c["line"]),
                    written=c["org"],
                    value=c["value"],
                )
        territories = a["territories"] or []
        for t in territories:
            linked = linker.link(t["name"], t.get("excluded", False), context)
            target = self._territory_node(linked, a["doc"])
            self.edge(
                node,
                target,
                "in",
                doc=a["doc"],
                line_start=t["line"],
                line_end=t["line"],
                quote=_quote(lines, t["line"]),
                written=t["name"],
                excluded=linked.excluded or None,
            )
        if not territories and ctx.region is not None:
            # no place written: the action is region-wide (flagged as inferred, with the document as evidence)
            target = self._territory_node(linker._linked(ctx.region.name, ctx.region, False), a["doc"])
            self.edge(node, target, "in", **prov, quote=p["quote"], inferred=True)
        for enrich in self.enrichers:
            for target, attrs, kind, evidence in enrich(a, lines):
                if target not in self.g:
                    self.g.add_node(target, **attrs)
                self.edge(node, target, kind, doc=a["doc"], **evidence)

    # -- territories and actors ------------------------------------------------------------------------------

    def _territory_node(self, linked: LinkedTerritory, doc_id: str) -> str:
        if linked.id:
            self._territory_chain(linked.id)
            return f"territory:{linked.id}"
        node = f"territory:lieu:{slug(linked.name, 50)}"
        if node not in self.g:
            self.g.add_node(
                node, type="territory", label=linked.name, level="lieu", code=None, unmatched=True
            )
            if linked.parent:
                self._territory_chain(linked.parent)
                self.edge(node, f"territory:{linked.parent}", "part_of", inferred=True)
        self.unmatched.add(f"{linked.name} ({doc_id})")
        return node

    def _territory_chain(self, territory_id: str) -> None:
        """The territory and its parents up to the région, linked by part_of edges (added once)."""
        node = f"territory:{territory_id}"
        if node in self.g:
            return
        t = self.ref.get(territory_id)
        self.g.add_node(node, type="territory", label=t.name, level=t.level, code=t.code, unmatched=False)
        parents = self.ref.parents(territory_id)
        if parents:
            nearest = parents[0]
            self._territory_chain(nearest.id)
            self.edge(node, f"territory:{nearest.id}", "part_of")

    def _operators(self) -> None:
        """dispositif -operated_by-> actor and dispositif -targets-> public, from the thesaurus."""
        national = DocContext("thesaurus")
        for node, data in list(self.g.nodes(data=True)):
            if data.get("type") != "dispositif":
                continue
            successor = data.get("replaced_by")
            if successor:
                if successor not in self.g:
                    from graph.enrich import _index, dispositif_node

                    if successor in _index():
                        self.g.add_node(successor, **dispositif_node(_index()[successor]))
                if successor in self.g:
                    self.edge(node, successor, "successor", since=data.get("replaced_on"))
            for name in data.get("operator") or []:
                actor = self.resolver.resolve(name, national)
                self.edge(node, actor.id, "operated_by")
            for public in data.get("publics") or []:
                target = f"public:{public}"
                if target not in self.g:
                    self.g.add_node(target, type="public", label=_public_label(public))
                self.edge(node, target, "targets")

    def _actor_node(self, actor) -> None:
        self.g.add_node(
            actor.id,
            type="actor",
            label=actor.name,
            kind=actor.kind,
            acronym=actor.acronym,
            expansion=actor.expansion,
            aliases=sorted(actor.aliases),
            branches=sorted(actor.branches),
            territory=actor.territory,
            generic=actor.generic,
            successor=actor.successor,
            successor_since=actor.successor_since,
        )
        if actor.territory:
            self._territory_chain(actor.territory)
            self.edge(actor.id, f"territory:{actor.territory}", "based_in")
