"""A person's profile against the dispositifs and local actions, and the dispositifs themselves."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import TEXT_MAX, ServiceDep, respond
from api.models import (
    DispositifDetail,
    DispositifList,
    MatchRequest,
    MatchResponse,
)
from graph.conditions_facts import fact_pairs

router = APIRouter()


@router.get(
    "/match",
    summary="Dispositifs and local actions for a job seeker's profile, with reasons",
    response_model=MatchResponse,
)
def match_get(
    service: ServiceDep,
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
    return respond(
        MatchResponse, service.match(age=age, statuses=status, where=where, needs=need, facts=facts)
    )


@router.post(
    "/match",
    summary="Dispositifs and local actions for a job seeker's profile (JSON body)",
    response_model=MatchResponse,
)
def match_post(service: ServiceDep, profile: MatchRequest) -> Response:
    answer = service.match(
        age=profile.age,
        statuses=profile.statuses,
        where=profile.where,
        needs=profile.needs,
        facts=profile.facts,
    )
    return respond(MatchResponse, answer)


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
