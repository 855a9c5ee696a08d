"""RDF view of the knowledge graph (rdflib), a closed ontology check, and read-only SPARQL with a time
limit.

URIs: https://qfq.example.org/id/<type>/<id> for documents, actions, actors and territories; dispositifs,
publics and themes keep the URIs of their SKOS thesauri. Every statement drawn from a text also gets a
qfq:Evidence node (the action, the predicate, the object, the document, the lines and the quote).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, SKOS

from graph.vocabularies import load_alignments
from ingest.errors import ConfigError, InputError

log = logging.getLogger(__name__)

QFQ = Namespace("https://qfq.example.org/ns#")
ID = Namespace("https://qfq.example.org/id/")
CONCEPT_BASES = {
    "dispositif": "https://qfq.example.org/dispositif/",
    "public": "https://qfq.example.org/public/",
    "theme": "https://qfq.example.org/theme/",
}
INSEE_GEO = "http://id.insee.fr/geo/"

CLASSES = {
    "document": QFQ.Document,
    "action": QFQ.Action,
    "actor": QFQ.Actor,
    "territory": QFQ.Territory,
    "dispositif": QFQ.Dispositif,
    "public": QFQ.Public,
    "theme": QFQ.Theme,
}
PREDICATES = {
    "piloted_by": QFQ.pilotedBy,
    "partner": QFQ.partner,
    "contact": QFQ.contact,
    "funded_by": QFQ.fundedBy,
    "operator": QFQ.carriedOutBy,
    "beneficiary": QFQ.beneficiary,
    "mentions": QFQ.mentions,
    "in": QFQ.inTerritory,
    "mobilises": QFQ.mobilises,
    "targets": QFQ.targets,
    "theme": QFQ.theme,
    "from": DCTERMS.source,
    "part_of": QFQ.partOf,
    "based_in": QFQ.basedIn,
    "operated_by": QFQ.operatedBy,
    "successor": DCTERMS.isReplacedBy,
}
# node attribute -> (predicate, datatype or None)
ATTRIBUTES = {
    "ref": (QFQ.ref, None),
    "shape": (QFQ.shape, None),
    "chapter": (QFQ.chapter, None),
    "region": (QFQ.region, None),
    "department": (QFQ.department, None),
    "budget": (QFQ.budget, None),
    "calendar": (QFQ.calendar, None),
    "keys_to_success": (QFQ.keyToSuccess, None),
    "figures": (QFQ.figure, None),
    "kind": (QFQ.kind, None),
    "level": (QFQ.level, None),
    "code": (QFQ.code, None),
    "unmatched": (QFQ.unmatched, XSD.boolean),
    "acronym": (QFQ.acronym, None),
    "aliases": (SKOS.altLabel, None),
    "branches": (QFQ.branch, None),
    "generic": (QFQ.generic, XSD.boolean),
    "successor_since": (QFQ.since, XSD.date),
    "issuer": (QFQ.issuer, None),
    "period_start": (QFQ.periodStart, XSD.gYear),
    "period_end": (QFQ.periodEnd, XSD.gYear),
    "past": (QFQ.past, XSD.boolean),
    "description": (DCTERMS.description, None),
    "scope": (QFQ.scope, None),
    "operator": (QFQ.operator, None),
    "line_start": (QFQ.lineStart, XSD.integer),
    "line_end": (QFQ.lineEnd, XSD.integer),
    "page": (QFQ.page, XSD.integer),
    "quote": (QFQ.quote, None),
    "definition": (SKOS.definition, None),
}
EDGE_ATTRIBUTES = {
    "written": QFQ.written,
    "note": QFQ.note,
    "inferred": QFQ.inferred,
    "excluded": QFQ.excluded,
    "line_start": QFQ.lineStart,
    "line_end": QFQ.lineEnd,
    "page": QFQ.page,
    "quote": QFQ.quote,
    "role": QFQ.role,
    "evidence_source": QFQ.evidenceSource,
    "confidence": QFQ.confidence,
    "cue": QFQ.cue,
    "inherited": QFQ.inherited,
}


def uri(node_id: str) -> URIRef:
    kind, _, rest = node_id.partition(":")
    if kind in CONCEPT_BASES:
        return URIRef(CONCEPT_BASES[kind] + quote(rest, safe="-_.~"))
    return ID[f"{kind}/{quote(rest.replace(':', '-'), safe='-_.~/')}"]


def _literal(value: Any, datatype: URIRef | None) -> Literal:
    if datatype == XSD.gYear:
        return Literal(f"{int(value):04d}", datatype=XSD.gYear)
    if datatype is not None:
        return Literal(value, datatype=datatype)
    return Literal(value, lang="fr") if isinstance(value, str) else Literal(value)


def to_rdf(g: nx.MultiDiGraph, ontology: Ontology) -> Graph:
    """The RDF view of the knowledge graph, checked closed against ``ontology``."""
    rdf = Graph()
    for prefix, ns in (
        ("qfq", QFQ),
        ("skos", SKOS),
        ("dcterms", DCTERMS),
        ("prov", PROV),
        ("org", ORG),
        ("id", ID),
        ("owl", OWL),
    ):
        rdf.bind(prefix, ns)
    for node, data in g.nodes(data=True):
        _add_node(rdf, node, data)
    for src, dst, data in g.edges(data=True):
        _add_edge(rdf, src, dst, data)
    rdf += load_alignments()  # publics, themes and dispositifs aligned on data·inclusion (SKOS)
    ontology.check_closed(rdf)
    return rdf


def _add_node(rdf: Graph, node: str, data: dict[str, Any]) -> None:
    """A node's types, labels and attributes (a coded territory also gets its INSEE URI as rdfs:seeAlso)."""
    s = uri(node)
    node_type = data.get("type")
    rdf.add((s, RDF.type, CLASSES[node_type]))
    if node_type == "actor":
        rdf.add((s, RDF.type, ORG.Organization))
    if data.get("unmatched"):
        rdf.add((s, RDF.type, QFQ.NamedPlace))
    label = data.get("label")
    if label:
        rdf.add((s, RDFS.label, Literal(label, lang="fr")))
        if node_type in ("dispositif", "public", "theme"):
            rdf.add((s, SKOS.prefLabel, Literal(label, lang="fr")))
        if node_type in ("document", "action"):
            rdf.add((s, DCTERMS.title, Literal(label, lang="fr")))
    for attr, value in data.items():
        if attr not in ATTRIBUTES or value in (None, "", []):
            continue
        predicate, datatype = ATTRIBUTES[attr]
        for v in value if isinstance(value, list) else [value]:
            rdf.add((s, predicate, _literal(v, datatype)))
    if (
        node_type == "territory"
        and data.get("level") in ("region", "departement", "commune")
        and data.get("code")
    ):
        rdf.add((s, RDFS.seeAlso, URIRef(f"{INSEE_GEO}{data['level']}/{data['code']}")))


def _add_edge(rdf: Graph, src: str, dst: str, data: dict[str, Any]) -> None:
    """An edge as one statement, with its qfq:Evidence node when a document states it."""
    s, o, p = uri(src), uri(dst), PREDICATES[data["kind"]]
    rdf.add((s, p, o))
    if data["kind"] == "successor" or not data.get("doc") or data["kind"] == "from":
        return
    ev = ID[f"evidence/{_evidence_key(src, data['kind'], dst, data)}"]
    rdf.add((s, QFQ.evidence, ev))
    rdf.add((ev, RDF.type, QFQ.Evidence))
    rdf.add((ev, QFQ.predicate, p))
    rdf.add((ev, QFQ.object, o))
    rdf.add((ev, DCTERMS.source, uri(f"document:{data['doc']}")))
    for attr, predicate in EDGE_ATTRIBUTES.items():
        value = data.get(attr)
        if value not in (None, ""):
            rdf.add((ev, predicate, _edge_literal(attr, value)))


def _edge_literal(attr: str, value: Any) -> Literal:
    """An evidence attribute's value: lines are integers, flags booleans, text French."""
    if attr.startswith("line") or attr == "page":
        return Literal(value, datatype=XSD.integer)
    if attr == "confidence":
        return Literal(float(value), datatype=XSD.decimal)
    if attr in ("inferred", "excluded", "inherited"):
        return Literal(value, datatype=XSD.boolean)
    return Literal(value, lang="fr")


def _evidence_key(src: str, kind: str, dst: str, data: dict[str, Any]) -> str:
    raw = f"{src}|{kind}|{dst}|{data.get('line_start')}|{data.get('written', '')}"
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Ontology:
    """The qfq ontology (``graph/data/qfq.ttl``): the terms it declares, so that the RDF stays closed."""

    source: str
    declared: frozenset[URIRef]

    @classmethod
    def load(cls, path: Path) -> Ontology:
        try:
            onto = Graph().parse(path, format="turtle")
        except (OSError, SyntaxError, ValueError) as exc:  # rdflib raises BadSyntax, a SyntaxError
            raise ConfigError(
                f"l'ontologie ne se lit pas : {exc}", where=str(path), valid="un fichier Turtle"
            ) from exc
        declared = frozenset(
            s for s in onto.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(QFQ))
        )
        return cls(str(path), declared)

    def check_closed(self, rdf: Graph) -> None:
        """Every qfq: term used (as predicate or class) must be declared in the ontology."""
        used = {p for p in rdf.predicates() if str(p).startswith(str(QFQ))}
        used |= {o for o in rdf.objects(None, RDF.type) if str(o).startswith(str(QFQ))}
        unknown = sorted(str(t) for t in used - self.declared)
        if unknown:
            raise ConfigError(
                f"termes non déclarés dans l'ontologie qfq : {', '.join(unknown)}",
                where=self.source,
                valid="des termes que l'ontologie déclare",
            )


def serialize(rdf: Graph, fmt: str) -> str:
    """Turtle or JSON-LD text of the graph."""
    if fmt == "ttl":
        return rdf.serialize(format="turtle")
    if fmt == "jsonld":
        context = {
            "qfq": str(QFQ),
            "skos": str(SKOS),
            "dcterms": str(DCTERMS),
            "prov": str(PROV),
            "org": str(ORG),
            "rdfs": str(RDFS),
            "id": str(ID),
        }
        return rdf.serialize(format="json-ld", context=context, auto_compact=True)
    raise InputError(f"format RDF inconnu : {fmt!r}", where="format", valid="ttl, jsonld")
