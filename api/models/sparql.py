"""SPARQL answers."""

from __future__ import annotations

from pydantic import Field

from api.models.base import Body


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
