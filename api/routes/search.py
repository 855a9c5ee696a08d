"""Hybrid search (keywords and meaning) with the structured filters of the action listing."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import TEXT_MAX, ActionFilters, ServiceDep, respond
from api.models import SearchResponse

router = APIRouter()
ResultType = Literal["action", "passage", "dispositif", "actor"]


@router.get(
    "/search",
    summary="Hybrid search (keywords + meaning) with structured filters",
    response_model=SearchResponse,
)
def search(
    service: ServiceDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=TEXT_MAX,
            description="What you are looking for.",
            examples=["garde d'enfants"],
        ),
    ],
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    type: Annotated[
        ResultType | None,
        Query(
            description="action, passage (a section of a document that is no action), dispositif or actor."
        ),
    ] = None,
    *,
    filters: ActionFilters,
) -> Response:
    answer = service.search(q, k=k, type=type, **filters)
    return respond(SearchResponse, answer)
