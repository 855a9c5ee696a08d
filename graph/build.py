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
from graph.errors import NotFound
from graph.linking import LinkedTerritory, TerritoryLinker
from graph.reference import ReferenceData
from graph.store import Store
from ingest.records import ActionRecord, DocumentRecord
from ingest.text import collapse, fold, slug, strip_markup

log = logging.getLogger(__name__)

# Enrichers (dispositifs, publics, themes): (action record, document lines) -> [(node, node attrs, edge kind,
# evidence)], the evidence holding line_start, line_end and quote.
Enricher = Callable[[ActionRecord, list[str]], list[tuple[str, dict[str, Any], str, dict[str, Any]]]]


@dataclass
class BuiltGraph:
    graph: nx.MultiDiGraph
    resolver: ActorResolver
    unmatched_territories: list[str] = field(default_factory=list)


def _quote(lines: list[str], line: int | None, limit: int = 300) -> str:
    if not line or not 1 <= line <= len(lines):
        return ""
    text = collapse(strip_markup(lines[line - 1]))
    return text if len(text) <= limit else text[: limit - 2].rsplit(" ", 1)[0] + " …"


class GraphBuilder:
    def __init__(
        self,
        store: Store,
        reference: ReferenceData,
        *,
        enrichers: list[Enricher] | None = None,
        today: dt.date | None = None,
    ):
        self.store = store
        self.reference = reference
        self.ref = reference.territories
        self.enrichers = enrichers or []
        self.today = today or dt.date.today()
        self.g = nx.MultiDiGraph()
        self.resolver = ActorResolver(self.ref, reference.lexicon, reference.aliases)
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

    # -- documents and actions ------------------------------------------------------------------------------

    def _document(self, doc: DocumentRecord) -> None:
        doc_node = f"document:{doc.id}"
        self.g.add_node(
            doc_node,
            type="document",
            label=doc.title or doc.id,
            kind=doc.kind,
            region=doc.region,
            department=doc.department,
            issuer=doc.issuer,
            period_start=doc.period_start,
            period_end=doc.period_end,
            past=bool(doc.period_end and doc.period_end < self.today.year),
            file=doc.file_name,
        )
        linker = TerritoryLinker.for_document(self.ref, doc, self.store.glossary(doc.id))
        lines = self.store.lines(doc.id)
        base_ctx = DocContext(
            doc.id, linker.region, linker.department, {fold(k): v for k, v in linker.glossary.items()}
        )
        for action in self.store.actions(doc.id):
            self._action(action, doc_node, linker, self._context(action, base_ctx), lines)

    def _context(self, a: ActionRecord, base_ctx: DocContext) -> DocContext:
        """The document's context, or the action's own région when its region line names another one."""
        region_t = self.ref.lookup(a.region, levels=("region",)) if a.region else []
        if region_t and (base_ctx.region is None or base_ctx.region.id != region_t[0].id):
            return DocContext(base_ctx.doc_id, region_t[0], None, base_ctx.glossary)
        return base_ctx

    def _action(
        self, a: ActionRecord, doc_node: str, linker: TerritoryLinker, ctx: DocContext, lines: list[str]
    ) -> None:
        node = f"action:{a.id}"
        p = a.provenance
        self.g.add_node(
            node,
            type="action",
            label=a.title,
            ref=a.ref,
            doc=a.doc,
            region=a.region,
            chapter=a.chapter,
            shape=a.shape,
            line_start=p.line_start,
            line_end=p.line_end,
            page=p.page,
            quote=p.quote,
            budget=a.budget,
            calendar=a.calendar,
            description=a.description or None,
            keys_to_success=a.keys_to_success or [],
            figures=a.figures or [],
        )
        self.edge(
            node, doc_node, "from", doc=a.doc, line_start=p.line_start, line_end=p.line_end, quote=p.quote
        )
        self._organisations(node, a, ctx, lines)
        self._territories(node, a, linker, ctx, lines)
        for enrich in self.enrichers:
            for target, attrs, kind, evidence in enrich(a, lines):
                if target not in self.g:
                    self.g.add_node(target, **attrs)
                self.edge(node, target, kind, doc=a.doc, **evidence)

    def _organisations(self, node: str, a: ActionRecord, ctx: DocContext, lines: list[str]) -> None:
        """action -piloted_by / partner / contact-> actor, each with the line that names the organisation."""
        context = a.context
        for role, mentions in (("piloted_by", a.pilots), ("partner", a.partners)):
            for m in mentions:
                actor = self.resolver.resolve(m.name, ctx, context)
                evidence = {"line_start": m.line, "line_end": m.line, "quote": _quote(lines, m.line)}
                self.edge(node, actor.id, role, doc=a.doc, **evidence, note=m.note, written=m.name)
        for c in a.contacts:
            if c.org:
                actor = self.resolver.resolve(c.org, ctx, context)
                evidence = {"line_start": c.line, "line_end": c.line, "quote": _quote(lines, c.line)}
                self.edge(node, actor.id, "contact", doc=a.doc, **evidence, written=c.org, value=c.value)

    def _territories(
        self, node: str, a: ActionRecord, linker: TerritoryLinker, ctx: DocContext, lines: list[str]
    ) -> None:
        """action -in-> territory for every place written; a région-wide edge (inferred) when none is."""
        for t in a.territories:
            linked = linker.link(t.name, t.excluded, a.context)
            target = self._territory_node(linked, a.doc)
            evidence = {"line_start": t.line, "line_end": t.line, "quote": _quote(lines, t.line)}
            self.edge(
                node, target, "in", doc=a.doc, **evidence, written=t.name, excluded=linked.excluded or None
            )
        if not a.territories and ctx.region is not None:
            # no place written: the action is region-wide (flagged as inferred, with the document as evidence)
            target = self._territory_node(linker.linked_to(ctx.region), a.doc)
            p = a.provenance
            self.edge(
                node,
                target,
                "in",
                doc=a.doc,
                line_start=p.line_start,
                line_end=p.line_end,
                quote=p.quote,
                inferred=True,
            )

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
                known = self.reference.dispositifs.get(successor)
                if successor not in self.g and known is not None:
                    self.g.add_node(successor, **known.node_attrs())
                if successor in self.g:
                    self.edge(node, successor, "successor", since=data.get("replaced_on"))
            for name in data.get("operator") or []:
                actor = self.resolver.resolve(name, national)
                self.edge(node, actor.id, "operated_by")
            for public in data.get("publics") or []:
                target = f"public:{public}"
                if target not in self.g:
                    self.g.add_node(target, type="public", label=self._public_label(public))
                self.edge(node, target, "targets")

    def _public_label(self, public: str) -> str:
        try:
            return self.reference.vocabularies.get(public).label
        except NotFound:  # a thesaurus slug the vocabulary does not define: keep the slug, visibly
            log.warning("public %r of the dispositif thesaurus is not in the vocabulary", public)
            return public

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
