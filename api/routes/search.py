"""Hybrid search (keywords and meaning) with the structured filters of the action listing."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import TEXT_MAX, ActionFilters, ServiceDep, respond
from api.models import SearchResponse
from api.service import Service

router = APIRouter()
ResultType = Literal["action", "passage", "dispositif", "actor"]


@router.get(
    "/search",
    summary="Hybrid search (keywords + meaning) with structured filters",
    response_model=SearchResponse,
)
async def search(
    request: Request,
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
    # at most QFQ_SEARCH_CONCURRENCY at once, the slot taken on the event loop (api/slots.py)
    return await request.app.state.slots["search"].run(_answer, service, q, k, type, filters)


def _answer(service: Service, q: str, k: int, type: str | None, filters: dict[str, str | None]) -> Response:
    return respond(SearchResponse, service.search(q, k=k, type=type, **filters))
