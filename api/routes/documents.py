"""Documents: upload (token required) and the lines around an evidence span."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Query, UploadFile
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
    replace: Annotated[
        bool,
        Form(
            description="Replace a stored document of another file that has the same id (refused without "
            "it). Also accepted as the query parameter `replace`."
        ),
    ] = False,
    replace_query: Annotated[
        bool, Query(alias="replace", description="The same as the form field `replace`.")
    ] = False,
) -> Response:
    limit = min(service.settings.upload_max_bytes, service.settings.document_max_bytes)
    data = await file.read(limit + 1)  # one byte more tells a file too large
    report = await run_in_threadpool(
        lambda: service.upload(file.filename or "", data, authorization, replace=replace or replace_query)
    )
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
