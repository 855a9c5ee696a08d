"""Pydantic models of the HTTP bodies: what each route returns, with descriptions and examples for OpenAPI.

Nested objects that come straight from the knowledge graph are typed at the level an API user relies on
(ids, names, evidence); extra fields are allowed so that the body stays the one the CLI prints with --json."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    """The one error shape of qfq."""

    error: str = Field(description="Error class, e.g. InputError, NotFound.", examples=["InputError"])
    message: str = Field(description="What was wrong.", examples=["unknown place 'Atlantide'"])
    where: str | None = Field(None, description="Which parameter, file or line.", examples=["where"])
    valid: str | None = Field(None, description="What is valid instead.")


class Evidence(Open):
    doc: str | None = Field(None, description="Document id.")
    line_start: int | None = Field(None, description="First line of the passage (1-based).")
    line_end: int | None = Field(None, description="Last line of the passage.")
    quote: str | None = Field(None, description="Verbatim quote (markup removed).")


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    documents: int
    actions: int


class ActionRow(Open):
    id: str = Field(
        description="Stable action id: <document id>/<slug of ref or title>.",
        examples=["001_7091df44cd1e8194/macigogne-fr"],
    )
    doc: str
    ref: str | None = None
    title: str
    region: str | None = None
    territories: list[dict[str, Any]] = Field(
        description="Linked territories: name as written, level, code, id."
    )
    pilots: list[dict[str, Any]] = Field(description="Organisations piloting the action (graph actor ids).")
    partners: list[dict[str, Any]]
    dispositifs: list[dict[str, Any]]
    publics: list[dict[str, Any]]
    themes: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    provenance: Evidence


class ActionPage(BaseModel):
    total: int = Field(description="Actions matching the filters.")
    limit: int
    offset: int
    items: list[ActionRow]


class Passage(Open):
    text: str
    doc: str | None = None
    line_start: int | None = None
    line_end: int | None = None


class SearchResult(Open):
    id: str
    type: str = Field(description="action, dispositif or actor.")
    title: str
    doc: str | None = None
    ref: str | None = None
    region: str | None = None
    score: float = Field(description="Fused reciprocal-rank score (higher is better).")
    passage: Passage = Field(description="The best matching passage, with its place in the document.")


class SearchResponse(Open):
    query: str
    results: list[SearchResult]


class SimilarResult(SearchResult):
    same_action: bool
    explanation: dict[str, Any] = Field(description="Shared themes, dispositifs, publics; best passage pair.")
    passage: Passage | None = None


class SimilarResponse(Open):
    id: str
    scope: str
    results: list[SimilarResult] = Field(
        description="Similar actions in the scope (other regions by default)."
    )
    same_action: list[SimilarResult] = Field(description="The same action retold in another document.")


class WhoAction(Open):
    id: str
    title: str
    role: str = Field(description="piloted_by, partner or contact.")
    scope: str | None = Field(None, description="local, or wider when the action covers a larger territory.")
    territories: list[dict[str, Any]]
    evidence: Evidence


class WhoResult(Open):
    actor: dict[str, Any] = Field(description="id, name, kind; display and successor when renamed since.")
    actions: list[WhoAction]


class WhoResponse(Open):
    query: dict[str, Any]
    results: list[WhoResult]


class MatchResponse(Open):
    profile: dict[str, Any]
    eligible: list[dict[str, Any]] = Field(
        description="Dispositifs that apply, each with the conditions met."
    )
    excluded: list[dict[str, Any]] = Field(
        description="Dispositifs that do not apply, with the failed condition."
    )
    undecided: list[dict[str, Any]] = Field(
        description="Dispositifs the profile cannot decide, with what is missing."
    )
    actions: list[dict[str, Any]] = Field(
        description="Local actions for the needs, with pilots and contacts."
    )
    actions_excluded: list[dict[str, Any]] = Field(
        description="Actions whose own text turns the person away."
    )


class TerritoryResponse(Open):
    query: str
    results: list[dict[str, Any]]


class DispositifSummary(Open):
    id: str = Field(examples=["dispositif:pmsmp"])
    name: str
    kind: str | None = None
    scope: str | None = None
    actions: int = Field(description="Actions of the corpus that mobilise it.")


class DispositifList(BaseModel):
    total: int
    items: list[DispositifSummary]
