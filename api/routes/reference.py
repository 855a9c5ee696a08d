"""Reference data: territory autocomplete, the profile vocabulary, a theme's coverage."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import TEXT_MAX, Level, ServiceDep, respond
from api.models import (
    CoverageResponse,
    TerritoryResponse,
    Vocabulary,
)

router = APIRouter()


@router.get(
    "/territories",
    summary="Territory autocomplete: names, postal codes, INSEE codes",
    response_model=TerritoryResponse,
)
def territories(
    service: ServiceDep,
    q: Annotated[
        str,
        Query(
            min_length=1, max_length=TEXT_MAX, description="Beginning of a name, or a code.", examples=["Rou"]
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    return respond(TerritoryResponse, service.territories(q, limit=limit))


@router.get(
    "/vocabulary", summary="Profile statuses and needs with their French labels", response_model=Vocabulary
)
def vocabulary(service: ServiceDep) -> Response:
    return respond(Vocabulary, service.vocabulary())


@router.get(
    "/coverage",
    summary="For a theme, the territories with and without actions",
    response_model=CoverageResponse,
)
def coverage(
    service: ServiceDep,
    theme: Annotated[str, Query(max_length=TEXT_MAX, description="Theme slug.")],
    level: Annotated[Level, Query(description="region or departement.")] = "departement",
    within: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Only the territories inside this one.")
    ] = None,
) -> Response:
    return respond(CoverageResponse, service.coverage(theme, level=level, within=within))
