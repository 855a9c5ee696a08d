"""What every route shares: the facade of the app (a typed dependency) and the one way an answer becomes a
JSON response (validated against its model and encoded once per cached answer, see `api/answers.py`).

No `from __future__ import annotations` in the route modules: FastAPI reads their annotations at definition
time."""

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.answers import body
from api.service import Service


async def service(request: Request) -> Service:
    """The app's facade (async: resolved on the event loop, without a thread hop)."""
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(service)]


def respond(model: type[BaseModel], answer: Any, status_code: int = 200) -> Response:
    return Response(body(model, answer), status_code=status_code, media_type="application/json")
