"""The HTTP app, built by a factory from the settings. Routes parse, call one facade method, map the result.

No `from __future__ import annotations` here: FastAPI reads the route annotations at definition time.
"""

import tempfile
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, File, Header, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from api.errors import status_of
from api.models import (
    ActionPage,
    ActionRow,
    DispositifList,
    ErrorBody,
    Health,
    MatchResponse,
    SearchResponse,
    SimilarResponse,
    TerritoryResponse,
    WhoResponse,
)
from api.service import EXPORT_FORMATS, MEDIA_TYPES, Service
from api.settings import Settings
from ingest.errors import InputError, QfqError

STATIC = Path(__file__).parent / "static"
ERRORS = {code: {"model": ErrorBody} for code in (403, 404, 413, 415, 422, 503)}
SUFFIXES = {"actions": "jsonl", "csv": "csv.zip"}


class MatchRequest(BaseModel):
    """A job seeker's profile."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "age": 24,
                    "statuses": ["demandeur_emploi"],
                    "where": "Vire",
                    "needs": ["mobilite", "garde_enfants"],
                }
            ]
        }
    }

    age: int | None = Field(None, description="Age in years (14 to 99).")
    statuses: list[str] = Field(
        default_factory=list, description="Statuses, e.g. demandeur_emploi, beneficiaire_rsa."
    )
    where: str = Field(..., description="Commune name, postal code or INSEE code.")
    needs: list[str] = Field(
        default_factory=list, description="Needs, e.g. mobilite, garde_enfants, logement."
    )


class Bodies:
    """JSON bodies of the facade's answers, validated against their response model and encoded once.

    The facade hands out the same read-only object for the same question (its answer cache), so a body is
    kept under the identity of its answer, with the answer itself (an identity is never reused while the
    object lives). Without the answer cache every request computes a new answer and nothing is kept here."""

    def __init__(self, size: int):
        self.size = size
        self._bodies: OrderedDict[int, tuple[Any, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def response(self, model: type[BaseModel], answer: Any) -> Response:
        key = id(answer)
        with self._lock:
            hit = self._bodies.get(key)
            if hit is not None and hit[0] is answer:
                self._bodies.move_to_end(key)
                return Response(hit[1], media_type="application/json")
        body = model.model_validate(answer).model_dump_json(by_alias=True).encode("utf-8")
        if self.size:
            with self._lock:
                self._bodies[key] = (answer, body)
                while len(self._bodies) > self.size:
                    self._bodies.popitem(last=False)
        return Response(body, media_type="application/json")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    service = Service(settings)
    bodies = Bodies(settings.answer_cache_size)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:  # before the first request is accepted
            await run_in_threadpool(service.warm_up)
        yield
        service.close()

    app = FastAPI(
        title="qfq — qui fait quoi, où",
        version="0.1.0",
        responses=ERRORS,
        lifespan=lifespan,
        description="Who does what, where: actions of French employment, insertion and "
        "ecological-transition plans, with the evidence of every answer.",
    )
    if settings.cors_origins:  # off unless origins are configured
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"])

    @app.exception_handler(QfqError)
    async def _qfq_error(_: Request, exc: QfqError) -> JSONResponse:
        return JSONResponse(status_code=status_of(exc), content=exc.to_dict())

    @app.get("/health", summary="Service status and store size", response_model=Health)
    def health() -> dict[str, Any]:
        return service.health()

    @app.get("/actions", summary="Actions, filtered and paginated", response_model=ActionPage)
    def actions(
        limit: Annotated[int, Query(ge=1, le=settings.page_limit_max, description="Page size.")] = 50,
        offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0,
        where: Annotated[
            str | None,
            Query(description="Territory at any level; containment applies.", examples=["Calvados"]),
        ] = None,
        theme: Annotated[str | None, Query(description="Theme slug.", examples=["mobilite"])] = None,
        public: Annotated[
            str | None, Query(description="Public slug.", examples=["demandeur_emploi"])
        ] = None,
        dispositif: Annotated[str | None, Query(description="Dispositif id.", examples=["pmsmp"])] = None,
        actor: Annotated[str | None, Query(description="Actor name or id (former names included).")] = None,
        doc: Annotated[str | None, Query(description="Document id.")] = None,
        q: Annotated[str | None, Query(description="Words that must all occur in the action.")] = None,
    ) -> dict[str, Any]:
        return service.list_actions(
            limit=limit,
            offset=offset,
            doc=doc,
            where=where,
            theme=theme,
            public=public,
            dispositif=dispositif,
            actor=actor,
            q=q,
        )

    @app.get(
        "/actions/{action_id:path}/similar",
        summary="Similar actions (other regions by default), explained",
        response_model=SimilarResponse,
    )
    def similar(
        action_id: str,
        k: Annotated[int, Query(ge=1, le=50, description="How many results.")] = 5,
        scope: Annotated[str, Query(description="other-regions, all or same-region.")] = "other-regions",
    ) -> Response:
        return bodies.response(SimilarResponse, service.similar(action_id, k=k, scope=scope))

    @app.get(
        "/actions/{action_id:path}",
        summary="One action with its evidence and the link to its passage",
        response_model=ActionRow,
    )
    def action(action_id: str) -> dict[str, Any]:
        return service.get_action(action_id)

    @app.get(
        "/search",
        summary="Hybrid search (keywords + meaning) with structured filters",
        response_model=SearchResponse,
    )
    def search(
        q: Annotated[
            str, Query(min_length=1, description="What you are looking for.", examples=["garde d'enfants"])
        ],
        k: Annotated[int, Query(ge=1, le=100)] = 10,
        where: Annotated[str | None, Query(description="Territory, containment applies.")] = None,
        theme: Annotated[str | None, Query(description="Theme slug.")] = None,
        public: Annotated[str | None, Query(description="Public slug.")] = None,
        dispositif: Annotated[str | None, Query(description="Dispositif id or label.")] = None,
        actor: Annotated[str | None, Query(description="Actor name.")] = None,
        doc: Annotated[str | None, Query(description="Document id.")] = None,
        type: Annotated[str | None, Query(description="action, dispositif or actor.")] = None,
    ) -> Response:
        return bodies.response(
            SearchResponse,
            service.search(
                q,
                k=k,
                where=where,
                theme=theme,
                public=public,
                dispositif=dispositif,
                actor=actor,
                doc=doc,
                type=type,
            ),
        )

    @app.get(
        "/who", summary="Who does what where (containment, lineage, evidence)", response_model=WhoResponse
    )
    def who(
        what: Annotated[
            str | None,
            Query(
                description="Free text, an actor (today's or former name), a dispositif.",
                examples=["mobilité"],
            ),
        ] = None,
        where: Annotated[
            str | None,
            Query(
                description="Commune, EPCI, département, région, postal or INSEE code.", examples=["Calvados"]
            ),
        ] = None,
        theme: Annotated[str | None, Query(description="Theme slug.")] = None,
    ) -> Response:
        return bodies.response(WhoResponse, service.who(what=what, where=where, theme=theme))

    @app.get("/vocabulary", summary="Profile statuses and needs with their French labels")
    def vocabulary() -> dict[str, Any]:
        return service.vocabulary()

    @app.get(
        "/match",
        summary="Dispositifs and local actions for a job seeker's profile, with reasons",
        response_model=MatchResponse,
    )
    def match_get(
        where: Annotated[
            str, Query(description="Commune name, postal code or INSEE code.", examples=["Vire"])
        ],
        age: Annotated[int | None, Query(description="Age in years.", examples=[24])] = None,
        status: Annotated[list[str] | None, Query(description="Statuses (repeat the parameter).")] = None,
        need: Annotated[list[str] | None, Query(description="Needs (repeat the parameter).")] = None,
    ) -> Response:
        return bodies.response(
            MatchResponse, service.match(age=age, statuses=status, where=where, needs=need)
        )

    @app.post(
        "/match",
        summary="Dispositifs and local actions for a job seeker's profile (JSON body)",
        response_model=MatchResponse,
    )
    def match_post(profile: MatchRequest) -> Response:
        return bodies.response(
            MatchResponse,
            service.match(
                age=profile.age, statuses=profile.statuses, where=profile.where, needs=profile.needs
            ),
        )

    @app.get(
        "/dispositifs",
        summary="Dispositifs: national thesaurus and local schemes found in the documents",
        response_model=DispositifList,
    )
    def dispositifs() -> dict[str, Any]:
        return service.dispositifs()

    @app.get("/dispositifs/{dispositif_id}", summary="A dispositif: conditions, operator, lineage, actions")
    def dispositif(dispositif_id: str) -> dict[str, Any]:
        return service.dispositif(dispositif_id)

    @app.get("/coverage", summary="For a theme, the territories with and without actions")
    def coverage(
        theme: Annotated[str, Query(description="Theme slug.")],
        level: Annotated[str, Query(description="region or departement.")] = "departement",
        within: Annotated[str | None, Query(description="Only the territories inside this one.")] = None,
    ) -> dict[str, Any]:
        return service.coverage(theme, level=level, within=within)

    @app.get(
        "/territories",
        summary="Territory autocomplete: names, postal codes, INSEE codes",
        response_model=TerritoryResponse,
    )
    def territories(
        q: Annotated[
            str, Query(min_length=1, description="Beginning of a name, or a code.", examples=["Rou"])
        ],
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ) -> dict[str, Any]:
        return service.territories(q, limit=limit)

    @app.get("/sparql", summary="Read-only SPARQL (time limit, row cap)")
    def sparql_get(
        query: Annotated[str, Query(description="A SPARQL 1.1 SELECT, ASK, CONSTRUCT or DESCRIBE.")],
    ) -> dict[str, Any]:
        return service.sparql(query)

    @app.post("/sparql", summary="Read-only SPARQL (query in the body)")
    def sparql_post(query: Annotated[str, Body(media_type="application/sparql-query")]) -> dict[str, Any]:
        return service.sparql(query)

    @app.get(
        "/export/{fmt}", summary="The knowledge base as a file: actions, gexf, graphml, csv, ttl, jsonld"
    )
    def export(
        fmt: str,
        territory: Annotated[str | None, Query(description="Only what happens on this territory.")] = None,
        theme: Annotated[str | None, Query(description="Only the actions of this theme.")] = None,
    ) -> StreamingResponse:
        if fmt not in EXPORT_FORMATS:
            raise InputError(
                f"unknown export format {fmt!r}", where="format", valid=", ".join(EXPORT_FORMATS)
            )
        headers = {"Content-Disposition": f'attachment; filename="qfq.{SUFFIXES.get(fmt, fmt)}"'}
        if fmt == "actions":
            rows = service.export_rows()
            body = ((r.model_dump_json() + "\n").encode("utf-8") for r in rows)
            return StreamingResponse(body, media_type=MEDIA_TYPES[fmt], headers=headers)
        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - closed by the generator
        service.export_graph(fmt, spool, territory=territory, theme=theme)
        spool.seek(0)

        def chunks():
            try:
                while block := spool.read(1 << 16):
                    yield block
            finally:
                spool.close()

        return StreamingResponse(chunks(), media_type=MEDIA_TYPES[fmt], headers=headers)

    @app.post("/documents", summary="Add or replace a document (PDF, DOCX, HTML, TXT, MD); token required")
    async def upload(
        file: Annotated[UploadFile, File(description="The document.")],
        authorization: Annotated[str | None, Header(description="Bearer <token>")] = None,
    ) -> JSONResponse:
        data = await file.read(settings.upload_max_bytes + 1)
        token = authorization.removeprefix("Bearer ").strip() if authorization else None
        report = await run_in_threadpool(service.upload, file.filename or "", data, token)
        return JSONResponse(status_code=422 if report["totals"]["errors"] else 200, content=report)

    @app.get("/documents/{doc_id}/passage", summary="The lines of a document around an evidence span")
    def passage(
        doc_id: str,
        start: Annotated[int, Query(ge=1)],
        end: Annotated[int | None, Query(ge=1)] = None,
        context: Annotated[int, Query(ge=0, le=20)] = 3,
    ) -> dict[str, Any]:
        return service.passage(doc_id, start, end or start, context)

    @app.get("/graph/neighbourhood", summary="A node and its neighbours, for the graph view")
    def neighbourhood(
        node: Annotated[str, Query(description="A node id, e.g. action:…, actor:…")],
    ) -> dict[str, Any]:
        return service.neighbourhood(node)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.service = service
    return app
