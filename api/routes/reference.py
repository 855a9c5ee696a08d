"""Reference data: dispositifs, territory autocomplete, the profile vocabulary."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import TEXT_MAX, ServiceDep, respond
from api.models import DispositifDetail, DispositifList, TerritoryResponse, Vocabulary

router = APIRouter()


@router.get(
    "/dispositifs",
    summary="Dispositifs: national thesaurus and local schemes found in the documents",
    response_model=DispositifList,
)
def dispositifs(service: ServiceDep) -> Response:
    return respond(DispositifList, service.dispositifs())


@router.get(
    "/dispositifs/{dispositif_id}",
    summary="A dispositif: conditions, operator, lineage, actions",
    response_model=DispositifDetail,
)
def dispositif(service: ServiceDep, dispositif_id: str) -> Response:
    return respond(DispositifDetail, service.dispositif(dispositif_id))


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
