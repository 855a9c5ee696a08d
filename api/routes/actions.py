"""Actions: the filtered listing, one action with its evidence, similar actions elsewhere."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import TEXT_MAX, ActionFilters, Scope, ServiceDep, respond
from api.models import ActionPage, ActionRow, SimilarResponse

SCOPE_HELP = "other-regions, all, same-region or other-documents (every other plan)."
router = APIRouter()


@router.get("/actions", summary="Actions, filtered and paginated", response_model=ActionPage)
def actions(
    service: ServiceDep,
    limit: Annotated[
        int, Query(ge=1, description="Page size (at most QFQ_PAGE_LIMIT_MAX, 200 by default).")
    ] = 50,
    offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0,
    q: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Words that must all occur in the action.")
    ] = None,
    *,
    filters: ActionFilters,
) -> Response:
    page = service.list_actions(limit=limit, offset=offset, q=q, **filters)
    return respond(ActionPage, page)


# before /actions/{action_id:path}, which would take the "/similar" as part of the id
@router.get(
    "/actions/{action_id:path}/similar",
    summary="Similar actions (other regions by default), explained",
    response_model=SimilarResponse,
)
def similar(
    service: ServiceDep,
    action_id: str,
    k: Annotated[int, Query(ge=1, le=50, description="How many results.")] = 5,
    scope: Annotated[Scope, Query(description=SCOPE_HELP)] = "other-regions",
) -> Response:
    return respond(SimilarResponse, service.similar(action_id, k=k, scope=scope))


@router.get(
    "/actions/{action_id:path}",
    summary="One action with its evidence and the link to its passage",
    response_model=ActionRow,
)
def action(service: ServiceDep, action_id: str) -> Response:
    return respond(ActionRow, service.get_action(action_id))
