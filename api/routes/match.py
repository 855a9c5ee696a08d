"""A person's profile against the dispositifs and local actions, and the dispositifs themselves."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import TEXT_MAX, ServiceDep, respond
from api.models import (
    DispositifDetail,
    DispositifList,
    MatchBody,
    MatchRequest,
    MatchResponse,
)
from api.service import Service
from graph.conditions_facts import fact_pairs

router = APIRouter()


@router.get(
    "/match",
    summary="Dispositifs and local actions for a job seeker's profile, with reasons",
    response_model=MatchResponse,
)
async def match_get(
    request: Request,
    where: Annotated[
        str,
        Query(max_length=TEXT_MAX, description="Commune name, postal code or INSEE code.", examples=["Vire"]),
    ],
    age: Annotated[int | None, Query(description="Age in years.", examples=[24])] = None,
    status: Annotated[
        list[str] | None, Query(max_length=TEXT_MAX, description="Statuses (repeat the parameter).")
    ] = None,
    need: Annotated[
        list[str] | None, Query(max_length=TEXT_MAX, description="Needs (repeat the parameter).")
    ] = None,
    fact: Annotated[
        list[str] | None,
        Query(
            max_length=TEXT_MAX,
            description="Optional facts as NAME=VALUE (repeat the parameter), e.g. promesse_embauche=oui, "
            "enfants=2,5; GET /vocabulary lists them.",
        ),
    ] = None,
) -> Response:
    facts = fact_pairs(fact or [], where="fact")
    service = request.app.state.service  # not a dependency: one less to solve per request
    return await _answer(service, age=age, statuses=status, where=where, needs=need, facts=facts)


@router.post(
    "/match",
    summary="Dispositifs and local actions for a job seeker's profile (JSON body)",
    response_model=MatchResponse,
)
async def match_post(request: Request, profile: MatchRequest) -> Response:
    return await _answer(
        request.app.state.service,
        age=profile.age,
        statuses=profile.statuses,
        where=profile.where,
        needs=profile.needs,
        facts=profile.facts,
    )


def _respond(service: Service, profile: dict[str, Any]) -> Response:
    return respond(MatchBody, service.match(**profile))  # MatchResponse's body, shared parts validated once


async def _answer(service: Service, **profile: Any) -> Response:
    """On the event loop once the knowledge base is built (a match then takes about a millisecond of CPU,
    less than the hop to a worker thread and back costs); in the threadpool while a first match would build
    it (seconds)."""
    if service.match_ready():
        return _respond(service, profile)
    return await run_in_threadpool(_respond, service, profile)


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
