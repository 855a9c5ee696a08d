"""Reference data: territory autocomplete, the vocabularies, the coverage of a theme or a dispositif."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import TEXT_MAX, Level, ServiceDep, respond
from api.models import (
    ConceptList,
    CoverageResponse,
    Library,
    TerritoryResponse,
    Vocabulary,
)
from graph.coverage_queries import CoverageQuery

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
    "/vocabulary/{scheme}",
    summary="The themes or the publics, with their French labels and how many actions have each",
    response_model=ConceptList,
)
def concepts(service: ServiceDep, scheme: Literal["theme", "public"]) -> Response:
    return respond(ConceptList, service.concepts(scheme))


@router.get(
    "/library", summary="The documents of the knowledge base: title, issuer, period", response_model=Library
)
def library(service: ServiceDep) -> Response:
    return respond(Library, service.library())


@router.get(
    "/coverage",
    summary="For a theme or a dispositif, the territories with and without actions",
    response_model=CoverageResponse,
)
def coverage(
    service: ServiceDep,
    theme: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Theme slug or label (see /vocabulary/theme).")
    ] = None,
    dispositif: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Dispositif id or name (see /dispositifs).")
    ] = None,
    level: Annotated[Level, Query(description="region or departement.")] = "departement",
    within: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Only the territories inside this one.")
    ] = None,
) -> Response:
    query = CoverageQuery(theme=theme, dispositif=dispositif, level=level, within=within)
    body = service.coverage(query)
    return respond(CoverageResponse, body)
