"""Read-only SPARQL on the knowledge graph's RDF (CPU-time limit and row cap from the settings), at most
``QFQ_SPARQL_CONCURRENCY`` at once: the slot is taken on the event loop (`api/slots.py`), the query then runs
in the threadpool."""

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response

from api.deps import SPARQL_MAX, ServiceDep, respond
from api.models import SparqlResponse
from api.service import Service

router = APIRouter()


def _answer(service: Service, query: str) -> Response:
    return respond(SparqlResponse, service.sparql(query))


@router.get("/sparql", summary="Read-only SPARQL (time limit, row cap)", response_model=SparqlResponse)
async def sparql_get(
    request: Request,
    service: ServiceDep,
    query: Annotated[
        str, Query(max_length=SPARQL_MAX, description="A SPARQL 1.1 SELECT, ASK, CONSTRUCT or DESCRIBE.")
    ],
) -> Response:
    return await request.app.state.slots["sparql"].run(_answer, service, query)


@router.post("/sparql", summary="Read-only SPARQL (query in the body)", response_model=SparqlResponse)
async def sparql_post(
    request: Request,
    service: ServiceDep,
    query: Annotated[str, Body(media_type="application/sparql-query")],
) -> Response:
    return await request.app.state.slots["sparql"].run(_answer, service, query)
