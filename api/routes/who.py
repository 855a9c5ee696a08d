"""Who does what where, a person's profile against the dispositifs and local actions, a theme's coverage."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import TEXT_MAX, Level, ServiceDep, respond
from api.models import CoverageResponse, MatchRequest, MatchResponse, WhoResponse

router = APIRouter()


@router.get(
    "/who", summary="Who does what where (containment, lineage, evidence)", response_model=WhoResponse
)
def who(
    service: ServiceDep,
    what: Annotated[
        str | None,
        Query(
            description="Free text, an actor (today's or former name), a dispositif.", examples=["mobilité"]
        ),
    ] = None,
    where: Annotated[
        str | None,
        Query(description="Commune, EPCI, département, région, postal or INSEE code.", examples=["Calvados"]),
    ] = None,
    theme: Annotated[str | None, Query(max_length=TEXT_MAX, description="Theme slug.")] = None,
) -> Response:
    return respond(WhoResponse, service.who(what=what, where=where, theme=theme))


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
) -> Response:
    return respond(MatchResponse, service.match(age=age, statuses=status, where=where, needs=need))


@router.post(
    "/match",
    summary="Dispositifs and local actions for a job seeker's profile (JSON body)",
    response_model=MatchResponse,
)
def match_post(service: ServiceDep, profile: MatchRequest) -> Response:
    answer = service.match(
        age=profile.age, statuses=profile.statuses, where=profile.where, needs=profile.needs
    )
    return respond(MatchResponse, answer)


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
