"""The small graph view of the web page: a node and its neighbours."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import TEXT_MAX, ServiceDep, respond
from api.models import Neighbourhood

router = APIRouter()


@router.get(
    "/graph/neighbourhood",
    summary="A node and its neighbours, for the graph view",
    response_model=Neighbourhood,
)
def neighbourhood(
    service: ServiceDep,
    node: Annotated[str, Query(max_length=TEXT_MAX, description="A node id, e.g. action:…, actor:…")],
) -> Response:
    return respond(Neighbourhood, service.neighbourhood(node))
