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


class RoleExample(Body):
    action: str
    title: str | None = None
    role: str = Field(description="pilote, partenaire, financeur, opérateur, public, contact or cité.")
    source: str | None = Field(None, description="row, layout or sentence.")
    doc: str | None = None
    line: int | None = None
    quote: str | None = None


class ActorDetail(ActorSummary):
    aliases: list[str]
    branches: list[str] = Field(description="Territorial branches named for a national actor.")
    generic: bool = Field(description="A generic name (e.g. les partenaires), left out of who answers.")
    decisions: list[Decision] = Field(description="Every resolution decision: the merge log.")
    roles: dict[str, int] = Field(default_factory=dict, description="Actions per role (French labels).")
    examples: list[RoleExample] = Field(default_factory=list, description="Its first role statements.")


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
    page: int | None = None
    quote: str | None = Field(
        None, description="The row or sentence naming the organisation, without phone numbers or addresses."
    )
    written: str | None = Field(None, description="The organisation as the document writes it.")
    source: str | None = Field(
        None, description="row (a labelled field), layout (a CONTACTS block) or sentence (the prose)."
    )
    confidence: float | None = Field(None, description="1.0 for a row; lower for what the prose gives.")


class ThemeEvidence(Body):
    line_start: int | None = None
    quote: str | None = Field(None, description="The words that show the action addresses the theme.")


class WhoAction(Body):
    id: str
    title: str
    role: str = Field(
        description="The strongest role: piloted_by, operator, funded_by, partner, contact, beneficiary, "
        "mentions."
    )
    role_label: str = Field(description="The role in French: pilote, opérateur, financeur, partenaire, …")
    roles: list[str] = Field(description="Every role of the actor in this action, in French.")
    ref: str | None = None
    doc: str | None = None
    document: DocumentSummary | None = None
    region: str | None = None
    scope: str | None = Field(
        None,
        description="local (a place of its own inside the asked place), inherited (only the territory of "
        "the plan's issuer is), wider (a larger territory).",
    )
    territories: list[TerritoryLink]
    evidence: WhoEvidence
    theme_evidence: ThemeEvidence | None = Field(None, description="With a theme: the quote that shows it.")


class WhoResult(Body):
    actor: ActorSummary = Field(description="id, name, kind; display and successor when renamed since.")
    roles: dict[str, int] = Field(description="How many of its actions per role (French labels).")
    actions: list[WhoAction]


class WhoQuery(Body):
    what: str | None = None
    where: str | None = None
    theme: str | None = None


class WhoPlace(Body):
    id: str
    name: str
    level: str
    code: str | None = None


class WhoResponse(Body):
    query: WhoQuery
    place: WhoPlace | None = Field(None, description="The territory the `where` input resolved to.")
    scope: str | None = Field(None, description="The scope in words: the place, its local territories.")
    total: int = Field(description="Actors in the answer (all pages).")
    offset: int = 0
    limit: int | None = None
    summary: str = Field(description="One line: actors, actions, local ones, the place understood.")
    results: list[WhoResult]
