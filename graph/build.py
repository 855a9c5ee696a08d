"""The knowledge graph: a networkx MultiDiGraph derived from the store.

Nodes: document, action, actor, territory, dispositif, public, theme (attribute `type`, `label`).
Edges (key = edge id, attribute `kind`): action -piloted_by-> actor, action -partner-> actor,
action -contact-> actor, action -funded_by / operator / beneficiary-> actor, action -mentions-> actor or
territory (named with no role), action -in-> territory, action -mobilises-> dispositif,
action -targets-> public, action -theme-> theme, action -from-> document, territory -part_of-> territory,
dispositif -operated_by-> actor, dispositif -targets-> public, actor -successor-> actor.
Every edge drawn from a text carries its provenance: doc, line_start, line_end, quote; actor and place
edges also their role, evidence_source (row, layout, sentence, issuer) and confidence (`graph/roles.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.actors import ActorResolver, DocContext
from graph.errors import NotFound
from graph.linking import LinkedTerritory, TerritoryLinker
from graph.reference import ReferenceData
from graph.roles import RoleEdges
from graph.store import Store
from ingest.mentions.document import organisation_glossary, participant_names
from ingest.mentions.extract import default_lexicon
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


def _row(role: str) -> dict[str, Any]:
    """The evidence attributes of an edge from a labelled row: it outranks any sentence."""
    return {"role": role, "evidence_source": "row", "confidence": 1.0}


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
        self.roles = RoleEdges(self.resolver, self.ref, self.edge)
        self._edge_n = 0
        self.unmatched: set[str] = set()
        self._departmental = False  # the document being built is a département's plan

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
        glossary = self.store.glossary(doc.id)
        linker = TerritoryLinker.for_document(self.ref, doc, glossary)
        lines = self.store.lines(doc.id)
        # a regional plan's département is a guess from its text ("Département de la Somme" in one measure):
        # it is not where its actors belong when the text does not say (the CMA of a regional committee)
        regional = plan_level(doc) == "region"
        self._departmental = plan_level(doc) == "departement"  # its issuer is a département (a DROM's too)
        base_ctx = DocContext(
            doc.id,
            linker.region,
            None if regional and linker.region else linker.department,
            {fold(k): v for k, v in linker.glossary.items()},
        )
        actions = list(self.store.actions(doc.id))
        self.resolver.note_branches(doc.id, _names_written(actions), base_ctx)
        for action in actions:
            self._action(action, doc_node, linker, self._context(action, base_ctx), lines)
        self._document_actors(doc_node, doc.id, glossary, base_ctx, lines)

    def _document_actors(
        self, doc_node: str, doc_id: str, glossary: list, ctx: DocContext, lines: list[str]
    ) -> None:
        """document -mentions-> actor for the organisations of its participant list (role "participant")
        and of its glossary (role "mentioned"), each with its line; never a pilot, and an action gets them
        only where its own text names them (the mentions pass reads these names in its prose)."""
        named = [
            (name, line, "participant", "participants")
            for name, line in participant_names(self.store.participants(doc_id))
        ]
        named += [
            (g.acronym, g.line, "mentioned", "glossary")
            for g in organisation_glossary(glossary, default_lexicon())
        ]
        seen: set[str] = set()
        for name, line, role, source in named:
            actor = self.resolver.resolve(name, ctx)
            if actor.generic or actor.id in seen:
                continue
            seen.add(actor.id)
            evidence = {"line_start": line, "line_end": line, "quote": _quote(lines, line)}
            self.edge(
                doc_node,
                actor.id,
                "mentions",
                doc=doc_id,
                written=name,
                role=role,
                evidence_source=source,
                confidence=1.0,
                **evidence,
            )

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
        self._organisations(node, a, ctx, lines, self._prose_context(a, linker, ctx))
        self._territories(node, a, linker, ctx, lines)
        for enrich in self.enrichers:
            for target, attrs, kind, evidence in enrich(a, lines):
                if target not in self.g:
                    self.g.add_node(target, **attrs)
                self.edge(node, target, kind, doc=a.doc, **evidence)

    def _prose_context(self, a: ActionRecord, linker: TerritoryLinker, ctx: DocContext) -> DocContext:
        """The context prose organisations resolve in: the action's own département when its rows (or, with
        no row, the perimeter places of its prose) name places of one département only ('la CAF' of an Orne
        fiche is the Orne's), else the document's."""
        departments = set()
        names = [(t.name, t.excluded) for t in a.territories]
        if not names:  # no row: the places the prose gives as the perimeter, when there are several
            names = [(m.surface, False) for m in a.mentions if m.kind == "place" and m.role == "perimeter"]
            names = (
                names if len({fold(n) for n, _ in names}) > 1 or _names_department(self.ref, names) else []
            )
        for name, excluded in names:
            linked = linker.link(name, excluded, a.context)
            if not linked.id or linked.excluded:
                continue
            chain = [self.ref.get(linked.id), *self.ref.parents(linked.id)]
            departments |= {x.id for x in chain if x is not None and x.level == "departement"}
        if len(departments) != 1:
            return ctx
        department = self.ref.get(departments.pop())
        if ctx.department is not None and ctx.department.id == department.id:
            return ctx
        region = next((p for p in self.ref.parents(department.id) if p.level == "region"), ctx.region)
        return DocContext(ctx.doc_id, region, department, ctx.glossary)

    def _organisations(
        self, node: str, a: ActionRecord, ctx: DocContext, lines: list[str], prose_ctx: DocContext
    ) -> None:
        """action -piloted_by / partner / contact-> actor from the labelled rows (source "row"), each with the
        line that names the organisation; then the roles the prose gives (`graph/roles.py`)."""
        context = a.context
        existing: set[tuple[str, str]] = set()
        for role, kind, mentions in (("pilot", "piloted_by", a.pilots), ("partner", "partner", a.partners)):
            for m in mentions:
                actor = self.resolver.resolve(m.name, ctx, context)
                evidence = {"line_start": m.line, "line_end": m.line, "quote": _quote(lines, m.line)}
                self.edge(
                    node, actor.id, kind, doc=a.doc, **evidence, note=m.note, written=m.name, **_row(role)
                )
                existing.add((actor.id, kind))
        for c in a.contacts:
            if c.org:
                actor = self.resolver.resolve(c.org, ctx, context)
                evidence = {"line_start": c.line, "line_end": c.line, "quote": _quote(lines, c.line)}
                self.edge(
                    node,
                    actor.id,
                    "contact",
                    doc=a.doc,
                    **evidence,
                    written=c.org,
                    value=c.value,
                    **_row("contact"),
                )
                existing.add((actor.id, "contact"))
        self.roles.organisations(node, a, prose_ctx, existing)

    def _territories(
        self, node: str, a: ActionRecord, linker: TerritoryLinker, ctx: DocContext, lines: list[str]
    ) -> None:
        """action -in-> territory for every place written in a row, then the perimeters the prose names;
        when there is none, the territory of the document's issuer (its département, else its région),
        flagged inherited (and inferred), never presented as the action's own place."""
        row_places: set[str] = set()
        for t in a.territories:
            linked = linker.link(t.name, t.excluded, a.context)
            target = self._territory_node(linked, a.doc)
            evidence = {"line_start": t.line, "line_end": t.line, "quote": _quote(lines, t.line)}
            if self._far_title_place(t, linked, ctx):
                self.edge(node, target, "mentions", doc=a.doc, **evidence, written=t.name, role="mentioned")
                continue
            self.edge(
                node,
                target,
                "in",
                doc=a.doc,
                **evidence,
                written=t.name,
                excluded=linked.excluded or None,
                **_row("perimeter"),
            )
            if linked.id and not linked.excluded:
                row_places.add(linked.id)
        prose = self.roles.places(node, a, linker, ctx, row_places, self._territory_node)
        if a.territories or prose:
            return
        for issuer in self._issuer_territories(ctx):
            target = self._territory_node(linker.linked_to(issuer), a.doc)
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
                inherited=True,
                role="perimeter",
                evidence_source="issuer",
            )

    def _issuer_territories(self, ctx: DocContext) -> list:
        """Where a fiche with no place of its own is inherited: the issuer's département, else its région;
        a région of one département (a DROM) is both, the région and its département, unless the plan is a
        département's (the PDI of La Réunion: its département only)."""
        if ctx.region is not None and not (self._departmental and ctx.department is not None):
            deps = self.ref.descendants(ctx.region.id, "departement")
            if len(deps) == 1 and self.ref.get(deps[0]) is not None:
                return [ctx.region, self.ref.get(deps[0])]
        issuer = ctx.department or ctx.region
        return [issuer] if issuer is not None else []

    def _far_title_place(self, t, linked: LinkedTerritory, ctx: DocContext) -> bool:
        """A place read from a title's words (not a perimeter field) that lies outside the document's région:
        a word that is also a territory's name far away (« dans le Nord » of a plan of La Réunion), not the
        action's perimeter."""
        if t.source != "text" or not linked.id or ctx.region is None or linked.id == ctx.region.id:
            return False
        return not any(p.id == ctx.region.id for p in self.ref.parents(linked.id))

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


_LEVEL_WORDS = (
    ("region", re.compile(r"\bregion(?:al|ale|aux)?\b")),
    ("departement", re.compile(r"\bdepartement(?:al|ale|aux)?\b")),
)


def plan_level(doc: DocumentRecord) -> str | None:
    """The territorial level of a plan: that of its issuer ("PRÉFET DE LA RÉGION NORMANDIE", "Le Département
    de l'Eure"), else the one its title states ("Pacte régional …", "Plan départemental …"), else its kind's;
    None when none says."""
    for text in (doc.issuer, doc.title, doc.kind):
        folded = fold(text or "")
        for level, pattern in _LEVEL_WORDS:
            if pattern.search(folded):
                return level
    return None


def _names_department(ref, names: list[tuple[str, bool]]) -> bool:
    """Whether one of the names is a département itself ("dans le Puy-de-Dôme")."""
    return any(hits and hits[0].level == "departement" for hits in (ref.lookup(n) for n, _ in names))


def _names_written(actions: list[ActionRecord]) -> list[str]:
    """The organisations a document's actions write, rows then prose, for the resolver's per-document pass
    (the one branch of a network the document names: `ActorResolver.note_branches`)."""
    names = [o.name for a in actions for o in (*a.pilots, *a.partners)]
    return names + [m.surface for a in actions for m in a.mentions if m.kind == "org"]
