"""Who does what where."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import TEXT_MAX, ServiceDep, respond
from api.models import (
    WhoResponse,
)
from graph.who_queries import WhoQuery

router = APIRouter()


@router.get(
    "/who", summary="Who does what where (containment, lineage, evidence)", response_model=WhoResponse
)
def who(
    service: ServiceDep,
    what: Annotated[
        str | None,
        Query(
            description="Free text, an actor (today's or former name), a dispositif.", examples=["mobilité"]
        ),
    ] = None,
    where: Annotated[
        str | None,
        Query(description="Commune, EPCI, département, région, postal or INSEE code.", examples=["Calvados"]),
    ] = None,
    theme: Annotated[str | None, Query(max_length=TEXT_MAX, description="Theme slug.")] = None,
    mentioned: Annotated[
        bool, Query(description="Also the organisations the text only names, with no role (cité).")
    ] = False,
    limit: Annotated[int | None, Query(ge=1, le=500, description="Actors per page (all by default).")] = None,
    offset: Annotated[int, Query(ge=0, description="Actors to skip.")] = 0,
) -> Response:
    query = WhoQuery(what=what, where=where, theme=theme, mentioned=mentioned, limit=limit, offset=offset)
    body = service.who(query)
    return respond(WhoResponse, body)
