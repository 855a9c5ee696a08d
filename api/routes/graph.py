"""The graph views of the web page: a node and its neighbours, the whole graph laid out."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import TEXT_MAX, ServiceDep, respond
from api.models import Neighbourhood, WholeGraph

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


NodeType = Literal["action", "actor", "territory", "dispositif", "public", "theme"]


@router.get(
    "/graph",
    summary="The whole graph (without documents) laid out, filtered by node type, theme and territory",
    response_model=WholeGraph,
)
def whole_graph(
    service: ServiceDep,
    type: Annotated[list[NodeType] | None, Query(description="Node types to keep (repeatable).")] = None,
    theme: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Only the actions of a theme.")
    ] = None,
    where: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Only the actions on a territory.")
    ] = None,
) -> Response:
    return respond(WholeGraph, service.whole_graph(types=type, theme=theme, where=where))
