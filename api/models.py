"""Pydantic models of the HTTP bodies: what each route returns, with descriptions and examples for OpenAPI.

Every answer is typed completely and extra fields are refused (``Body``): a field the facade adds without its
model fails the tests that validate real answers (tests/test_models.py), so the body the route serves — and
the CLI prints with --json, through the same serialisation (``api/answers.py``) — is the one documented here.
``ActionRow`` is the graph's own model of an action (graph/actions_export.py), the one `qfq export actions`
writes: the HTTP body and the export are one shape."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from graph.actions_export import ActionRow


class Body(BaseModel):
    """A body whose every field is declared."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ErrorBody(BaseModel):
    """The one error shape of qfq."""

    error: str = Field(description="Error class, e.g. InputError, NotFound.", examples=["InputError"])
    message: str = Field(description="What was wrong.", examples=["unknown place 'Atlantide'"])
    where: str | None = Field(None, description="Which parameter, file or line.", examples=["where"])
    valid: str | None = Field(None, description="What is valid instead.")


class ActionPage(Body):
    total: int = Field(description="Actions matching the filters.")
    limit: int
    offset: int
    items: list[ActionRow]


class Health(Body):
    status: str = Field(examples=["ok"])
    documents: int
    actions: int


# -- search and similar actions -----------------------------------------------------------------------------


class Passage(Body):
    text: str
    doc: str | None = None
    line_start: int | None = None
    line_end: int | None = None


class SearchResult(Body):
    id: str
    type: str = Field(description="action, dispositif or actor.")
    title: str
    doc: str | None = None
    ref: str | None = None
    region: str | None = None
    score: float = Field(description="Fused reciprocal-rank score (higher is better).")
    passage: Passage = Field(description="The best matching passage, with its place in the document.")
    territories: list[str] | None = Field(None, description="An action's territories (names).")
    pilots: list[str] | None = Field(None, description="An action's pilots (names).")
    definition: str | None = Field(None, description="A dispositif's definition.")
    scope: str | None = Field(
        None, description="With a territory: local, or wider when the action covers a larger territory."
    )


class SearchResponse(Body):
    query: str
    results: list[SearchResult]


class Explanation(Body):
    themes: list[str] = Field(description="Themes both actions have (labels).")
    dispositifs: list[str] = Field(description="Dispositifs both actions mobilise (labels).")
    publics: list[str] = Field(description="Publics both actions target (labels).")
    cosine: float = Field(description="Cosine similarity of the best pair of passages.")
    passages: list[Passage] | None = Field(
        None, description="The best pair of passages: the action's own, then the other's."
    )


class SimilarResult(Body):
    id: str
    type: str = Field(description="action.")
    title: str
    doc: str | None = None
    ref: str | None = None
    region: str | None = None
    score: float = Field(description="Fused reciprocal-rank score (higher is better).")
    same_action: bool
    explanation: Explanation = Field(description="Shared themes, dispositifs, publics; best passage pair.")


class SimilarResponse(Body):
    id: str
    scope: str
    results: list[SimilarResult] = Field(
        description="Similar actions in the scope (other regions by default)."
    )
    same_action: list[SimilarResult] = Field(description="The same action retold in another document.")


# -- who, match, coverage -----------------------------------------------------------------------------------


class Successor(Body):
    id: str
    name: str
    since: str | None = None


class ActorSummary(Body):
    id: str
    name: str
    kind: str | None = None
    successor: Successor | None = Field(None, description="Today's organisation, when renamed or merged.")
    display: str | None = Field(
        None, description="The name with today's one, e.g. Pôle emploi (aujourd'hui …)."
    )


class Decision(Body):
    written: str = Field(description="The organisation as a document writes it.")
    doc: str
    rule: str = Field(description="Why the mention was resolved to this actor.")
    detail: str


class ActorDetail(ActorSummary):
    aliases: list[str]
    branches: list[str] = Field(description="Territorial branches named for a national actor.")
    generic: bool = Field(description="A generic name (e.g. les partenaires), left out of who answers.")
    decisions: list[Decision] = Field(description="Every resolution decision: the merge log.")


class ActorList(Body):
    query: str | None = None
    results: list[ActorDetail]


class DocumentSummary(Body):
    id: str
    title: str | None = None
    kind: str | None = None
    period: str | None = None
    past: bool
    note: str | None = Field(None, description="A warning when the plan's period is over.")


class TerritoryLink(Body):
    id: str
    name: str
    level: str | None = None
    code: str | None = None
    written: str | None = Field(None, description="The place as the document writes it.")
    inferred: bool = Field(description="True when no place is written and the action's région is assumed.")


class WhoEvidence(Body):
    doc: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    quote: str | None = None
    written: str | None = Field(None, description="The organisation as the document writes it.")


class WhoAction(Body):
    id: str
    title: str
    role: str = Field(description="piloted_by, partner or contact.")
    ref: str | None = None
    doc: str | None = None
    document: DocumentSummary | None = None
    region: str | None = None
    scope: str | None = Field(None, description="local, or wider when the action covers a larger territory.")
    territories: list[TerritoryLink]
    evidence: WhoEvidence


class WhoResult(Body):
    actor: ActorSummary = Field(description="id, name, kind; display and successor when renamed since.")
    actions: list[WhoAction]


class WhoQuery(Body):
    what: str | None = None
    where: str | None = None
    theme: str | None = None


class WhoResponse(Body):
    query: WhoQuery
    results: list[WhoResult]


class MatchRequest(BaseModel):
    """A job seeker's profile."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "age": 24,
                    "statuses": ["demandeur_emploi"],
                    "where": "Vire",
                    "needs": ["mobilite", "garde_enfants"],
                }
            ]
        }
    }

    age: int | None = Field(None, description="Age in years (14 to 99).")
    statuses: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list, max_length=30, description="Statuses, e.g. demandeur_emploi, beneficiaire_rsa."
    )
    where: str = Field(..., max_length=200, description="Commune name, postal code or INSEE code.")
    needs: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list, max_length=30, description="Needs, e.g. mobilite, garde_enfants, logement."
    )


class Place(Body):
    id: str
    name: str
    level: str | None = None
    code: str | None = None


class MatchProfile(Body):
    age: int | None = None
    statuses: list[str]
    needs: list[str]
    where: Place = Field(description="The territory the place given resolves to.")


class MatchDispositif(Body):
    id: str
    name: str
    kind: str | None = None
    scope: str | None = None
    operator: list[str]
    definition: str | None = None
    link: str | None = None
    checked: str | None = Field(None, description="When the thesaurus entry was last checked (ISO date).")


class Eligible(Body):
    dispositif: MatchDispositif
    needs: list[str] = Field(description="The person's needs the dispositif serves.")
    reasons: list[str] = Field(description="The conditions met.")
    to_check: list[str] = Field(description="Conditions a profile cannot decide, for the adviser to check.")
    actions: list[str] = Field(description="Ids of the local actions (below) that mobilise it.")


class Excluded(Body):
    dispositif: MatchDispositif
    needs: list[str]
    failed: list[str] = Field(description="The conditions that fail.")


class Undecided(Body):
    dispositif: MatchDispositif
    needs: list[str]
    reasons: list[str] = Field(description="The conditions met.")
    missing: list[str] = Field(description="What the profile does not say.")
    to_check: list[str]


class Reason(Body):
    why: str
    quote: str | None = None
    line: int | None = None


class Contact(Body):
    actor: str
    value: str | None = None


class MatchEvidence(Body):
    doc: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    quote: str | None = None


class TurnedAway(Body):
    rule: str
    quote: str
    line: int


class MatchAction(Body):
    id: str
    title: str
    doc: str | None = None
    ref: str | None = None
    scope: str | None = None
    territories: list[str]
    pilots: list[ActorSummary]
    contacts: list[Contact]
    dispositifs: list[str] = Field(description="Dispositif ids the action mobilises and the person may use.")
    reasons: list[Reason]
    document: DocumentSummary | None = None
    evidence: MatchEvidence
    excluded_by: TurnedAway | None = Field(
        None, description="The action's own sentence that turns the person away."
    )


class MatchResponse(Body):
    profile: MatchProfile
    eligible: list[Eligible] = Field(description="Dispositifs that apply, each with the conditions met.")
    excluded: list[Excluded] = Field(description="Dispositifs that do not apply, with the failed condition.")
    undecided: list[Undecided] = Field(
        description="Dispositifs the profile cannot decide, with what is missing."
    )
    actions: list[MatchAction] = Field(description="Local actions for the needs, with pilots and contacts.")
    actions_excluded: list[MatchAction] = Field(description="Actions whose own text turns the person away.")


class CoverageTerritory(Body):
    id: str
    name: str
    code: str | None = None


class CoverageRow(Body):
    territory: CoverageTerritory
    local: list[str] = Field(description="Ids of the actions on the territory or inside it.")
    wider: list[str] = Field(description="Ids of the actions on a territory that contains it.")


class CoverageResponse(Body):
    theme: str
    level: str
    with_: list[CoverageRow] = Field(alias="with", description="Territories with actions on the theme.")
    without: list[CoverageTerritory] = Field(description="Territories without any.")


# -- reference data: territories, dispositifs, vocabulary ---------------------------------------------------


class TerritoryHit(Body):
    id: str
    name: str
    level: str
    code: str | None = None
    parents: list[str] = Field(description="Names of its département and région.")


class TerritoryResponse(Body):
    query: str
    results: list[TerritoryHit]


class DispositifSummary(Body):
    id: str = Field(examples=["dispositif:pmsmp"])
    name: str
    kind: str | None = None
    scope: str | None = None
    actions: int = Field(description="Actions of the corpus that mobilise it.")


class DispositifList(Body):
    total: int
    items: list[DispositifSummary]


class AgeException(Body):
    status: str
    max_age: int | None = None


class MobilisingAction(Body):
    id: str
    title: str
    region: str | None = None
    evidence: MatchEvidence


class DispositifDetail(Body):
    """A dispositif of the thesaurus (conditions as data) or a local scheme found in a document."""

    id: str = Field(examples=["dispositif:cej"])
    name: str
    aliases: list[str] | None = None
    definition: str | None = None
    kind: str | None = None
    operator: list[str] | None = None
    publics: list[str] | None = None
    needs: list[str] | None = None
    min_age: int | None = None
    max_age: int | None = None
    age_exceptions: list[AgeException] | None = None
    requires_status: list[str] | None = Field(None, description="One of these statuses.")
    requires_all_status: list[str] | None = Field(None, description="Each of these statuses.")
    requires_residence: list[str] | None = None
    other_conditions: list[str] | None = None
    scope: str | None = None
    link: str | None = None
    checked: str | None = None
    replaced_by: str | None = None
    replaced_on: str | None = None
    territory: str | None = None
    region: str | None = Field(None, description="A local scheme's région.")
    actions: list[MobilisingAction] = Field(description="Actions that mobilise it, with the evidence.")


class Term(Body):
    slug: str
    label: str


class Vocabulary(Body):
    statuses: list[Term]
    needs: list[Term]


# -- documents, SPARQL, graph, exports ----------------------------------------------------------------------


class PassageLine(Body):
    n: int
    text: str
    hit: bool = Field(description="True for the lines of the evidence span.")


class PassageResponse(Body):
    doc: str
    title: str | None = None
    file: str = Field(description="The document's file name.")
    start: int
    end: int
    lines: list[PassageLine]


class DocumentResult(Body):
    file: str
    doc_id: str | None = None
    status: str = Field(description="ingested, unchanged or error.")
    actions: int
    fields_missing: dict[str, int]
    warnings: list[str]
    error: str | None = None
    shapes: dict[str, int]
    hierarchy: dict[str, int] = Field(
        description="Grouping levels found, top first, with their counts, then the number of actions."
    )
    passages: dict[str, int] = Field(description="Typed sections kept apart (édito, diagnostic…), by type.")


class IngestTotals(Body):
    documents: int
    actions: int
    entities: int = Field(description="Distinct organisations named as pilots or partners.")
    territories: int
    unmatched_territories: int
    errors: int


class IngestReportBody(Body):
    """The ingest report (`POST /documents`, `qfq build --json`, `qfq ingest --json`)."""

    documents: list[DocumentResult]
    totals: IngestTotals
    unmatched_territories: list[str] = Field(
        description="Places without an official code, with their document."
    )


class SparqlTerm(Body):
    type: str = Field(description="uri, bnode or literal.")
    value: str
    lang: str | None = Field(None, alias="xml:lang")
    datatype: str | None = None


class SparqlHead(Body):
    vars: list[str] | None = None


class SparqlBindings(Body):
    bindings: list[dict[str, SparqlTerm]]


class SparqlResponse(Body):
    """SPARQL 1.1 JSON results (SELECT, ASK), or Turtle for CONSTRUCT and DESCRIBE."""

    head: SparqlHead | None = None
    results: SparqlBindings | None = None
    boolean: bool | None = None
    turtle: str | None = None
    truncated: bool | None = Field(None, description="True when the row cap cut the result.")


class GraphNode(Body):
    id: str
    label: str
    type: str | None = None


class GraphEdge(Body):
    source: str
    target: str
    kind: str


class Neighbourhood(Body):
    center: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class ExportInfo(Body):
    name: str = Field(examples=["gexf"])
    media_type: str
    suffix: str = Field(examples=[".gexf"])
    description: str
    url: str = Field(examples=["/export/gexf"])


class ExportList(Body):
    items: list[ExportInfo]
