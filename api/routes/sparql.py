"""Read-only SPARQL on the knowledge graph's RDF (time limit and row cap from the settings)."""

from typing import Annotated

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from api.deps import SPARQL_MAX, ServiceDep, respond
from api.models import SparqlResponse

router = APIRouter()


@router.get("/sparql", summary="Read-only SPARQL (time limit, row cap)", response_model=SparqlResponse)
def sparql_get(
    service: ServiceDep,
    query: Annotated[
        str, Query(max_length=SPARQL_MAX, description="A SPARQL 1.1 SELECT, ASK, CONSTRUCT or DESCRIBE.")
    ],
) -> Response:
    return respond(SparqlResponse, service.sparql(query))


@router.post("/sparql", summary="Read-only SPARQL (query in the body)", response_model=SparqlResponse)
def sparql_post(
    service: ServiceDep, query: Annotated[str, Body(media_type="application/sparql-query")]
) -> Response:
    return respond(SparqlResponse, service.sparql(query))
