"""Hybrid search (keywords and meaning) with the structured filters of the action listing."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import ServiceDep, respond
from api.models import SearchResponse

router = APIRouter()


@router.get(
    "/search",
    summary="Hybrid search (keywords + meaning) with structured filters",
    response_model=SearchResponse,
)
def search(
    service: ServiceDep,
    q: Annotated[
        str, Query(min_length=1, description="What you are looking for.", examples=["garde d'enfants"])
    ],
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    where: Annotated[str | None, Query(description="Territory, containment applies.")] = None,
    theme: Annotated[str | None, Query(description="Theme slug.")] = None,
    public: Annotated[str | None, Query(description="Public slug.")] = None,
    dispositif: Annotated[str | None, Query(description="Dispositif id or label.")] = None,
    actor: Annotated[str | None, Query(description="Actor name.")] = None,
    doc: Annotated[str | None, Query(description="Document id.")] = None,
    type: Annotated[str | None, Query(description="action, dispositif or actor.")] = None,
) -> Response:
    answer = service.search(
        q,
        k=k,
        where=where,
        theme=theme,
        public=public,
        dispositif=dispositif,
        actor=actor,
        doc=doc,
        type=type,
    )
    return respond(SearchResponse, answer)
