"""The HTTP app, built by a factory from the settings: the facade, the lifespan (warm-up), the one error
handler and the routers of `api/routes`. A route parses, calls one facade method, maps the result.

Adding a route: a function in the router of its area (or a new module under `api/routes`, then one entry in
`ROUTERS`)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from api.errors import Busy, http_error, status_of, validation_error
from api.guards import Guards
from api.health import HealthAnswer
from api.models import ErrorBody
from api.routes import actions, documents, exports, graph, match, page, reference, search, sparql, who
from api.routes.page import STATIC
from api.service import Service
from api.settings import Settings
from api.slots import Slots
from ingest.errors import QfqError

SWAGGER = "/static/vendor/swagger-ui"  # vendored by scripts/vendor_frontend.py: /docs needs no CDN
ERRORS = {code: {"model": ErrorBody} for code in (403, 404, 413, 415, 422, 503)}
ROUTERS = (
    page.router,
    actions.router,
    search.router,
    who.router,
    match.router,
    reference.router,
    sparql.router,
    exports.router,
    documents.router,
    graph.router,
)


async def _qfq_error(_: Request, exc: QfqError) -> JSONResponse:  # type: ignore[override]
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Busy) else None
    return JSONResponse(status_code=status_of(exc), content=exc.to_dict(), headers=headers)


async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:  # type: ignore[override]
    """A request FastAPI could not validate, in the one error shape (not FastAPI's ``{"detail": …}``)."""
    return JSONResponse(status_code=422, content=validation_error(exc.errors()).to_dict())


async def _no_route(request: Request, exc: HTTPException) -> JSONResponse:  # type: ignore[override]
    """A path or method no route takes, in the one error shape."""
    body = http_error(exc.status_code, request.method, request.url.path)
    return JSONResponse(status_code=exc.status_code, content=body, headers=getattr(exc, "headers", None))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    service = Service(settings)
    service.query_nice = settings.search_nice  # searches yield the CPU to the event loop and cheap routes

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:  # before the first request is accepted
            await run_in_threadpool(service.warm_up)
        yield
        service.close()
        app.state.health.close()
        for slot in app.state.slots.values():
            slot.close()

    app = FastAPI(
        title="qfq — qui fait quoi, où",
        version="0.1.0",
        responses=ERRORS,
        lifespan=lifespan,
        docs_url=None,  # served below from the vendored files, not from FastAPI's CDN
        redoc_url=None,
        description="Who does what, where: actions of French employment, insertion and "
        "ecological-transition plans, with the evidence of every answer.",
    )
    if settings.cors_origins:  # off unless origins are configured
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"])
    app.add_exception_handler(QfqError, _qfq_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _no_route)
    app.add_middleware(Guards, settings=settings)
    for router in ROUTERS:
        app.include_router(router)
    _docs(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.service = service
    app.state.slots = slots(settings)
    app.state.health = HealthAnswer()
    return app


def slots(settings: Settings) -> dict[str, Slots]:
    """The bounded slots of the costly routes (see `api/slots.py`), by route."""
    s = settings
    return {
        "sparql": Slots(
            "requêtes SPARQL",
            s.sparql_concurrency,
            s.sparql_wait,
            setting="QFQ_SPARQL_CONCURRENCY",
            retry_after=max(1, round(s.sparql_timeout)),
            where="query",
        ),
        "search": Slots(
            "recherches",
            s.search_concurrency,
            s.search_wait,
            setting="QFQ_SEARCH_CONCURRENCY",
            retry_after=max(1, round(s.search_wait)),
            where="q",
            nice=s.search_nice,
        ),
    }


def _docs(app: FastAPI) -> None:
    """The interactive API documentation (Swagger UI) at /docs, from the files vendored into /static."""

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
        )
