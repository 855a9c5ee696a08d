"""The service status and the web page (its files are mounted at /static by `create_app`)."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from api.deps import ServiceDep, respond
from api.models import Health

STATIC = Path(__file__).resolve().parents[1] / "static"
router = APIRouter()


@router.get("/health", summary="Service status and store size", response_model=Health)
def health(service: ServiceDep) -> Response:
    return respond(Health, service.health())


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")
