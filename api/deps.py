"""What every route shares: the facade of the app (a typed dependency) and the one way an answer becomes a
JSON response (validated against its model and encoded once per cached answer, see `api/answers.py`).

No `from __future__ import annotations` in the route modules: FastAPI reads their annotations at definition
time."""

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.answers import body
from api.service import Service

TEXT_MAX = 1000  # characters of a text parameter (a search, a place, a name); 422 beyond
SPARQL_MAX = 20_000  # characters of a SPARQL query given in the URL
Scope = Literal["other-regions", "all", "same-region", "other-documents"]
Level = Literal["region", "departement"]
NodeType = Literal["action", "dispositif", "actor"]


async def service(request: Request) -> Service:
    """The app's facade (async: resolved on the event loop, without a thread hop)."""
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(service)]


def respond(model: type[BaseModel], answer: Any, status_code: int = 200) -> Response:
    return Response(body(model, answer), status_code=status_code, media_type="application/json")


async def action_filters(
    where: Annotated[
        str | None,
        Query(
            max_length=TEXT_MAX,
            description="Territory at any level; containment applies.",
            examples=["Calvados"],
        ),
    ] = None,
    theme: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Theme slug.", examples=["mobilite"])
    ] = None,
    public: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Public slug.", examples=["demandeur_emploi"])
    ] = None,
    dispositif: Annotated[
        str | None,
        Query(max_length=TEXT_MAX, description="Dispositif id, label or alias.", examples=["pmsmp"]),
    ] = None,
    actor: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Actor name or id (former names included).")
    ] = None,
    doc: Annotated[str | None, Query(max_length=TEXT_MAX, description="Document id.")] = None,
) -> dict[str, str | None]:
    """The query parameters of the action filters `/actions` and `/search` share (`graph.filters.Filters`);
    async, like `service`, so that it is resolved without a thread hop."""
    return {
        "where": where,
        "theme": theme,
        "public": public,
        "dispositif": dispositif,
        "actor": actor,
        "doc": doc,
    }


ActionFilters = Annotated[dict[str, str | None], Depends(action_filters)]
