"""The service status and the web page (its files are mounted at /static by `create_app`)."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from api.deps import ServiceDep
from api.models import Health

STATIC = Path(__file__).resolve().parents[1] / "static"
router = APIRouter()


@router.get("/health", summary="Service status and store size", response_model=Health)
async def health(request: Request, service: ServiceDep) -> Response:
    """On the event loop, from memory (`api/health.py`): never queued behind a busy threadpool."""
    return Response(await request.app.state.health.body(service), media_type="application/json")


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")
