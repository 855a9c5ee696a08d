"""Reference data: territories, dispositifs, vocabulary."""

from __future__ import annotations

from pydantic import Field

from api.models.base import Body
from api.models.match import MatchEvidence


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
    rule: str | None = Field(None, description="The eligibility rule in French (conditions.toml).")
    to_verify: list[str] | None = Field(None, description="What the adviser checks, no profile can decide.")
    source: str | None = Field(None, description="The official page the rule was checked against.")
    operator_url: str | None = None
    scope: str | None = None
    link: str | None = None
    checked: str | None = None
    replaced_by: str | None = None
    replaced_on: str | None = None
    territory: str | None = None
    territories: list[str] | None = Field(None, description="Where a regional or local scheme runs.")
    region: str | None = Field(None, description="A local scheme's région.")
    actions: list[MobilisingAction] = Field(description="Actions that mobilise it, with the evidence.")


class Term(Body):
    slug: str
    label: str


class FactValue(Body):
    slug: str
    label: str


class FactForm(Body):
    """An optional fact of a profile, as a form asks it."""

    fact: str = Field(examples=["promesse_embauche"])
    type: str = Field(description="bool, int, number, enum, ages (a list of ages), status or place.")
    label: str | None = None
    question: str
    unit: str | None = None
    values: list[FactValue] | None = None
    status: str | None = Field(None, description="For type status: the status asked about.")


class Vocabulary(Body):
    statuses: list[Term]
    needs: list[Term]
    facts: list[FactForm] = Field(default_factory=list, description="Optional facts a profile may carry.")
