"""The action row: one typed model of an action as qfq shows it — `qfq export actions` (JSON Lines), the HTTP
`/actions` and `/actions/{id}` bodies and the CLI's `--json` all serialise this model, so they are one shape.

A row joins what the document says (the ingest record: fields as written, provenance) with what the
knowledge graph means (linked territories, resolved actors, dispositifs, publics and themes). Every key is
always present (null or empty when unknown), so that a reader never has to guess whether a key may be missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import IO

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from graph.linking import TerritoryLinker, actor_id
from graph.roles import ROLE_LABELS
from graph.store import Store
from graph.territories import Referential
from ingest.records import ActionRecord, DocumentRecord


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TerritoryRef(_Row):
    name: str = Field(description="The place as written in the document.")
    level: str | None = Field(description="region, departement, epci or commune; null when not coded.")
    code: str | None = Field(description="INSEE code (SIREN for an EPCI); null when not coded.")
    id: str | None = Field(description="Territory id, e.g. commune:14762.")
    official_name: str | None = None
    parent: str | None = Field(None, description="Best known parent of a place without a code.")
    excluded: bool = Field(False, description="The text excludes this place ('hors …').")
    note: str | None = None


class ActorRef(_Row):
    id: str = Field(description="Actor node id (graph), or a provisional id from the name as written.")
    name: str | None
    kind: str | None = None
    written: str | None = Field(None, description="The name as the document writes it.")
    note: str | None = Field(
        None, description="Qualifier of the mention, e.g. 'en lien avec', 'Sous action 1'."
    )
    display: str | None = Field(None, description="Name with today's successor, for a renamed organisation.")
    role: str | None = Field(
        None, description="The role as the text gives it: pilot, partner, funder, operator, public, contact."
    )
    role_label: str | None = Field(None, description="The role in French: pilote, partenaire, financeur…")
    source: str | None = Field(
        None, description="row (a labelled field), layout (a CONTACTS block) or sentence (the prose)."
    )
    confidence: float | None = Field(None, description="1.0 for a row, lower for the prose.")
    evidence: LineEvidence | None = Field(None, description="The row or sentence that names it.")


class PlaceRef(_Row):
    id: str = Field(description="Territory node id.")
    name: str | None
    level: str | None = None
    code: str | None = None
    written: str | None = None
    role: str = Field(description="perimeter (where the action applies) or mentioned (an example).")
    source: str | None = Field(
        None, description="row, sentence, or issuer (no place written: the plan's issuer's territory)."
    )
    inherited: bool = Field(False, description="True when the place is the issuer's, not the action's own.")
    evidence: LineEvidence | None = None


class LineEvidence(_Row):
    line: int | None
    quote: str | None
    page: int | None = None


class ConceptRef(_Row):
    id: str = Field(description="dispositif:…, public:… or theme:…")
    name: str | None
    evidence: LineEvidence


class ContactRef(_Row):
    kind: str = Field(description="email, phone or url.")
    value: str
    org: str | None = None
    person: str | None = None


class PersonRef(_Row):
    name: str | None = None
    role: str | None = None
    org: str | None = None


class ActionProvenance(_Row):
    doc: str = Field(description="Document id.")
    line_start: int = Field(description="First line of the action (1-based).")
    line_end: int = Field(description="Last line of the action.")
    page: int | None = Field(None, description="Page of the first line (paginated formats).")
    quote: str = Field(description="Verbatim quote (markup removed).")
    file: str = Field(description="The document's file name (never a path of the server machine).")
    source: str | None = Field(
        None, description="Link to the passage: /documents/{doc}/passage?start=…&end=…"
    )


class LevelRef(_Row):
    kind: str = Field(description="The grouping level, e.g. axe, sous_axe, engagement.")
    title: str
    ref: str | None = None


class ActionRow(_Row):
    id: str = Field(
        description="Stable action id: <document id>/<slug of ref or title>.",
        examples=["plan-insertion-2024/fiche-3"],
    )
    doc: str
    ref: str | None
    title: str
    region: str | None
    chapter: str | None
    shape: str = Field(description="The shape it was read from: fiche, numbered, blurb, strategy, sheet.")
    territories: list[TerritoryRef] = Field(description="Linked territories, one per territory id.")
    pilots: list[ActorRef] = Field(
        description="Organisations piloting the action: its labelled pilot row, its CONTACTS organisation, "
        "or a sentence (piloté par, porté par…), each with its evidence."
    )
    partners: list[ActorRef]
    funders: list[ActorRef] = Field(default_factory=list, description="Financé par, avec le soutien de…")
    operators: list[ActorRef] = Field(default_factory=list, description="Organisations carrying it out.")
    beneficiaries: list[ActorRef] = Field(default_factory=list, description="Organisations it is for.")
    mentioned: list[ActorRef] = Field(
        default_factory=list, description="Organisations its text names with no role (cité)."
    )
    places: list[PlaceRef] = Field(
        default_factory=list,
        description="Every place edge of the graph: perimeters (rows, sentences, inherited) and places "
        "only mentioned, with the evidence.",
    )
    dispositifs: list[ConceptRef]
    publics: list[ConceptRef]
    themes: list[ConceptRef]
    contacts: list[ContactRef]
    people: list[PersonRef]
    description: str
    intitule: str | None
    perimeter: str | None
    budget: str | None
    calendar: str | None
    duration: str | None
    indicators: str | None
    expected_results: str | None
    observations: str | None
    steps: list[str]
    keys_to_success: list[str]
    figures: list[str]
    fields_missing: list[str] = Field(
        description="The fields the document gives no value for: neither a labelled row nor a sentence."
    )
    status: str | None = Field(None, description="Normalised status: à venir, en cours, réalisé, en pause…")
    priority: str | None = Field(None, description="Normalised priority: élevée, moyenne, basse.")
    levels: list[LevelRef] = Field(
        default_factory=list, description="The grouping levels above it, top first."
    )
    extra: dict[str, str] = Field(
        default_factory=dict, description="Labelled values the label lexicon has no field for (label: value)."
    )
    provenance: ActionProvenance


def _actors(graph: nx.MultiDiGraph, node: str, kind: str) -> list[ActorRef]:
    out = []
    for _, dst, e in graph.out_edges(node, data=True):
        if e["kind"] != kind or graph.nodes[dst].get("type") != "actor":
            continue
        d = graph.nodes[dst]
        successor = d.get("successor")
        display = None
        if successor and successor in graph:
            display = f"{d['label']} (aujourd'hui {graph.nodes[successor]['label']})"
        out.append(
            ActorRef(
                id=dst,
                name=d.get("label"),
                kind=d.get("kind"),
                written=e.get("written"),
                note=e.get("note"),
                display=display,
                role=e.get("role"),
                role_label=ROLE_LABELS.get(kind),
                source=e.get("evidence_source"),
                confidence=e.get("confidence"),
                evidence=_line_evidence(e),
            )
        )
    return out


def _line_evidence(e: dict) -> LineEvidence | None:
    if not e.get("line_start") and not e.get("quote"):
        return None
    return LineEvidence(line=e.get("line_start"), quote=e.get("quote"), page=e.get("page"))


def _places(graph: nx.MultiDiGraph, node: str) -> list[PlaceRef]:
    out = []
    for _, dst, e in graph.out_edges(node, data=True):
        d = graph.nodes[dst]
        if e["kind"] not in ("in", "mentions") or d.get("type") != "territory" or e.get("excluded"):
            continue
        out.append(
            PlaceRef(
                id=dst,
                name=d.get("label"),
                level=d.get("level"),
                code=d.get("code"),
                written=e.get("written"),
                role=e.get("role") or ("perimeter" if e["kind"] == "in" else "mentioned"),
                source=e.get("evidence_source"),
                inherited=bool(e.get("inherited")),
                evidence=_line_evidence(e),
            )
        )
    return out


def _concepts(graph: nx.MultiDiGraph, node: str, kind: str) -> list[ConceptRef]:
    return [
        ConceptRef(
            id=dst,
            name=graph.nodes[dst].get("label"),
            evidence=LineEvidence(line=e.get("line_start"), quote=e.get("quote")),
        )
        for _, dst, e in graph.out_edges(node, data=True)
        if e["kind"] == kind
    ]


def export_row(
    action: ActionRecord, doc: DocumentRecord, linker: TerritoryLinker, graph: nx.MultiDiGraph | None = None
) -> ActionRow:
    """The row of one action. With the knowledge graph, organisations, dispositifs, publics and themes are its
    resolved nodes; without it, organisations are names as written with provisional ids."""
    node = f"action:{action.id}"
    if graph is not None and node in graph:
        pilots, partners = _actors(graph, node, "piloted_by"), _actors(graph, node, "partner")
        roles = {
            kind: _actors(graph, node, kind) for kind in ("funded_by", "operator", "beneficiary", "mentions")
        }
        places = _places(graph, node)
        concepts = {kind: _concepts(graph, node, kind) for kind in ("mobilises", "targets", "theme")}
    else:
        pilots, partners = (
            [ActorRef(id=actor_id(o.name), name=o.name, note=o.note) for o in mentions]
            for mentions in (action.pilots, action.partners)
        )
        concepts = {"mobilises": [], "targets": [], "theme": []}
        roles = {kind: [] for kind in ("funded_by", "operator", "beneficiary", "mentions")}
        places = []
    p = action.provenance
    return ActionRow(
        id=action.id,
        doc=action.doc,
        ref=action.ref,
        title=action.title,
        region=action.region or (linker.region.name if linker.region else doc.region),
        chapter=action.chapter,
        shape=action.shape,
        territories=link_territories(action, linker),
        pilots=pilots,
        partners=partners,
        funders=roles["funded_by"],
        operators=roles["operator"],
        beneficiaries=roles["beneficiary"],
        mentioned=roles["mentions"],
        places=places,
        dispositifs=concepts["mobilises"],
        publics=concepts["targets"],
        themes=concepts["theme"],
        contacts=[
            ContactRef(kind=c.kind, value=c.value, org=c.org, person=c.person) for c in action.contacts
        ],
        people=[PersonRef(name=x.name or None, role=x.role, org=x.org) for x in action.people],
        description=action.description,
        intitule=action.intitule,
        perimeter=action.perimeter,
        budget=action.budget,
        calendar=action.calendar,
        duration=action.duration,
        indicators=action.indicators,
        expected_results=action.expected_results,
        observations=action.observations,
        steps=action.steps,
        keys_to_success=action.keys_to_success,
        figures=action.figures,
        fields_missing=action.missing,
        status=action.status,
        priority=action.priority,
        levels=[LevelRef(**asdict(lv)) for lv in action.levels],
        extra=action.extra,
        provenance=ActionProvenance(
            doc=p.doc,
            line_start=p.line_start,
            line_end=p.line_end,
            page=p.page,
            quote=p.quote,
            file=doc.file_name,
        ),
    )


def link_territories(action: ActionRecord, linker: TerritoryLinker) -> list[TerritoryRef]:
    """Linked territories of an action, one per territory id (names as written that resolve alike merge)."""
    out, seen = [], set()
    for t in action.territories:
        linked = linker.link(t.name, t.excluded, action.context)
        key = linked.id or linked.name
        if key not in seen:
            seen.add(key)
            out.append(TerritoryRef(**linked.to_dict()))
    return out


def iter_rows(
    store: Store, referential: Referential, graph: nx.MultiDiGraph | None = None
) -> Iterator[ActionRow]:
    for doc in store.documents():
        linker = TerritoryLinker.for_document(referential, doc, store.glossary(doc.id))
        for action in store.actions(doc.id):
            yield export_row(action, doc, linker, graph)


def action_row(
    store: Store, referential: Referential, graph: nx.MultiDiGraph | None, action_id: str
) -> ActionRow:
    """The row of one stored action (NotFound when there is none)."""
    action = store.action(action_id)
    doc = store.document(action.doc)
    return export_row(
        action, doc, TerritoryLinker.for_document(referential, doc, store.glossary(doc.id)), graph
    )


def write_jsonl(rows: Iterator[ActionRow], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(row.model_dump_json() + "\n")
        n += 1
    return n
