"""The knowledge base as a file, in any format of the export table (`graph/exports`), streamed."""

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from api.deps import TEXT_MAX, ServiceDep, respond
from api.models import ExportList
from graph.exports import EXPORTS

router = APIRouter()
SPOOL_IN_MEMORY = 8 << 20  # bytes kept in memory before the export goes to a temporary file


@router.get(
    "/exports", summary="The export formats: name, media type, file suffix", response_model=ExportList
)
def exports(service: ServiceDep) -> Response:
    return respond(ExportList, service.exports())


@router.get(
    "/export/{fmt}",
    summary=f"The knowledge base as a file: {', '.join(EXPORTS)}",
    responses={200: {"description": "The file.", "content": {e.media_type: {} for e in EXPORTS.values()}}},
)
def export(
    service: ServiceDep,
    fmt: str,
    territory: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Only what happens on this territory.")
    ] = None,
    theme: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="Only the actions of this theme.")
    ] = None,
) -> StreamingResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - closed by _blocks
    try:
        written = service.export(fmt, spool, territory=territory, theme=theme)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    headers = {"Content-Disposition": f'attachment; filename="qfq{written.suffix}"'}
    return StreamingResponse(_blocks(spool), media_type=written.media_type, headers=headers)


def _blocks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while block := spool.read(1 << 16):
            yield block
    finally:
        spool.close()
