"""The HTTP app, built by a factory from the settings. Routes parse, call one facade method, map the result.

No `from __future__ import annotations` here: FastAPI reads the route annotations at definition time.
"""


from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse

from api.errors import status_of
from api.service import Service
from api.settings import Settings
from ingest.errors import QfqError


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    service = Service(settings)
    app = FastAPI(title="qfq — qui fait quoi, où", version="0.1.0",
                  description="Who does what, where: actions of French employment and transition plans.")

    @app.exception_handler(QfqError)
    async def _qfq_error(_: Request, exc: QfqError) -> JSONResponse:
        return JSONResponse(status_code=status_of(exc), content=exc.to_dict())

    @app.get("/health", summary="Service status and store size")
    def health() -> dict[str, Any]:
        return service.health()

    @app.get("/actions", summary="Actions, paginated")
    def actions(
        limit: Annotated[int, Query(ge=1, le=settings.page_limit_max, description="Page size.")] = 50,
        offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0,
        doc: Annotated[str | None, Query(description="Only the actions of this document id.")] = None,
    ) -> dict[str, Any]:
        return service.list_actions(limit=limit, offset=offset, doc=doc)

    @app.get("/actions/{action_id:path}", summary="One action with its evidence")
    def action(action_id: str) -> dict[str, Any]:
        return service.get_action(action_id)

    app.state.service = service
    return app
