"""Documents: upload (token required) and the lines around an evidence span."""

from typing import Annotated

from fastapi import APIRouter, File, Header, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import ServiceDep, respond
from api.models import IngestReportBody, PassageResponse

router = APIRouter()


@router.post(
    "/documents",
    summary="Add or replace a document (PDF, DOCX, HTML, TXT, MD); token required",
    response_model=IngestReportBody,
    responses={
        422: {"model": IngestReportBody, "description": "The document could not be ingested (the report)."}
    },
)
async def upload(
    service: ServiceDep,
    file: Annotated[UploadFile, File(description="The document.")],
    authorization: Annotated[str | None, Header(description="Bearer <token>")] = None,
) -> Response:
    data = await file.read(service.settings.upload_max_bytes + 1)  # one byte more tells a file too large
    report = await run_in_threadpool(service.upload, file.filename or "", data, authorization)
    return respond(IngestReportBody, report, status_code=422 if report["totals"]["errors"] else 200)


@router.get(
    "/documents/{doc_id}/passage",
    summary="The lines of a document around an evidence span",
    response_model=PassageResponse,
)
def passage(
    service: ServiceDep,
    doc_id: str,
    start: Annotated[int, Query(ge=1)],
    end: Annotated[int | None, Query(ge=1)] = None,
    context: Annotated[int, Query(ge=0, le=20)] = 3,
) -> Response:
    return respond(PassageResponse, service.passage(doc_id, start, end, context))
