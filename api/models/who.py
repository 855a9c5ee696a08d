"""Who does what where: actors, documents, territories as answers show them."""

from __future__ import annotations

from pydantic import Field

from api.models.base import Body


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
