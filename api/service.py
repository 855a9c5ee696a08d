"""The service facade: what the CLI and the HTTP routes call, one method per command or route. No business
logic lives in either of them."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import IO, Any, BinaryIO

from api.answers import AnswerCache
from api.errors import Busy
from api.guards import check_upload_token
from api.ingesting import discover, fill_totals, ingest_file, ingest_one, upload_name
from api.lookups import actor_list, territory_hits
from api.memory import settle_memory
from api.report import DocumentReport, IngestReport
from api.settings import Settings
from graph.actions_export import action_row, iter_rows, write_jsonl
from graph.enrich import enrichers
from graph.exports import EXPORTS, Export, ExportSource, export_format
from graph.filters import Filters
from graph.knowledge import KnowledgeBase, KnowledgeCache
from graph.reference import ReferenceData
from graph.sparql import sparql
from graph.store import Store
from graph.territories import Referential
from ingest.errors import InputError, TooLarge
from ingest.pipeline import document_id

log = logging.getLogger(__name__)
# called before each file is read: the file, its rank (1-based) and how many files there are
Progress = Callable[[Path, int, int], None]


class Service:
    def __init__(self, settings: Settings, *, reference: ReferenceData | None = None):
        """``reference``: reference data to share with other services of the process (tests do); by default
        the service loads its own from the settings."""
        self.settings = settings
        if reference is not None:
            self.__dict__["reference"] = reference
        self._search_lock = threading.Lock()
        self._sparql_slots = threading.BoundedSemaphore(settings.sparql_concurrency)
        self.answers = AnswerCache(settings.answer_cache_size)

    def _answer(self, name: str, compute: Callable[[], dict[str, Any]], *key: Any) -> dict[str, Any]:
        """Answers of the read queries, kept for the current knowledge base (an ingest starts a new one).

        The same object is handed to every caller: answers are read-only (the routes serialise them, once per
        answer, the CLI prints them)."""
        return self.answers.get(self.knowledge, (name, repr(key)), compute)

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.store_path)

    @cached_property
    def reference(self) -> ReferenceData:
        return ReferenceData(self.settings.reference_dir)

    @property
    def referential(self) -> Referential:
        return self.reference.territories

    @cached_property
    def knowledge_cache(self) -> KnowledgeCache:
        return KnowledgeCache(
            self.store, self.reference, enrichers=enrichers(self.reference), on_built=settle_memory
        )

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.knowledge_cache.get()

    # -- search -------------------------------------------------------------------------------------------

    @cached_property
    def encoders(self) -> dict[str, Any]:
        from embeddings.encoder import build_encoder

        s = self.settings
        from embeddings.threads import QueryThreads

        # one set of query threads for both encoders: one team-starting thread for the process
        counts = {"threads": s.threads, "query_threads": s.query_threads, "teams": QueryThreads()}
        main = build_encoder(s.encoder, **counts)
        other = main if s.similar_encoder == s.encoder else build_encoder(s.similar_encoder, **counts)
        return {"search": main, "similar": other}

    @cached_property
    def vector_cache(self):
        from embeddings.vectors import VectorCache

        return VectorCache(self.settings.vector_cache or self.settings.data / "vectors.sqlite")

    @property
    def search_engine(self):
        """The search engine of the current knowledge base (rebuilt after an ingest; vectors are cached)."""
        from embeddings.engine import SearchEngine
        from embeddings.search import SearchConfig

        kb = self.knowledge
        with self._search_lock:
            engine = self.__dict__.get("_engine")
            if engine is None or engine.kb is not kb:
                s = self.settings
                config = SearchConfig(
                    bm25_weight=s.bm25_weight,
                    dense_weight=s.dense_weight,
                    second_dense_weight=s.second_dense_weight,
                    rrf_k=s.rrf_k,
                    hnsw_threshold=s.hnsw_threshold,
                )
                engine = SearchEngine(
                    kb,
                    self.store.lines,
                    self.encoders["search"],
                    self.encoders["similar"],
                    self.vector_cache,
                    config,
                    index_dir=s.data,
                )
                self.__dict__["_engine"] = engine
                settle_memory()
            return engine

    def warm_up(self) -> None:
        """Build now what the first requests would build — knowledge graph, search indexes, encoders — then
        move all of it out of the garbage collector's reach: loaded later, the encoders' objects (~375k) would
        make every full collection pause all requests for ~200 ms (bench/load.py)."""
        started = time.perf_counter()
        self.search_engine  # noqa: B018 - builds the knowledge base too
        for encoder in self.encoders.values():
            encoder.warm_up()
        settle_memory()
        log.info(
            "warmed up in %.1f s: knowledge graph, search indexes, encoders %s",
            time.perf_counter() - started,
            ", ".join(sorted({e.name for e in self.encoders.values()})),
        )

    def index(self) -> dict[str, Any] | None:
        """Build the graph and the search indexes now (encoding only chunks not yet in the vector cache);
        None when the store holds no action."""
        if not self.store.count_actions():
            return None
        engine = self.search_engine
        return {
            "chunks": len(engine.index.chunks),
            "encoder": self.encoders["search"].name,
            "similar_encoder": self.encoders["similar"].name,
        }

    def search(self, text: str, *, k: int = 10, **filters: Any) -> dict[str, Any]:
        """Hybrid search; ``filters`` are the fields of :class:`graph.filters.Filters`."""
        return self._answer(
            "search",
            lambda: self.search_engine.search(text, k=k, filters=Filters(**filters)),
            text,
            k,
            sorted(filters.items()),
        )

    def similar(self, action_id: str, *, k: int = 5, scope: str = "other-regions") -> dict[str, Any]:
        return self._answer(
            "similar", lambda: self.search_engine.similar(action_id, k=k, scope=scope), action_id, k, scope
        )

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
        if "vector_cache" in self.__dict__:
            self.vector_cache.close()

    # -- ingest -------------------------------------------------------------------------------------------

    @staticmethod
    def discover(dirs: Iterable[Path]) -> list[Path]:
        """Every supported document under the directories, in a stable order."""
        return discover(dirs)

    def build(
        self, dirs: Iterable[Path] | None = None, *, force: bool = False, on_file: Progress | None = None
    ) -> IngestReport:
        """Ingest every document under the directories (default: the settings' corpus, ../shared/corpus)."""
        dirs = list(dirs) if dirs else list(self.settings.corpus)
        if not dirs:
            raise InputError(
                "no corpus directory given and ../shared/corpus does not exist",
                where="--corpus",
                valid="one or more directories of documents",
            )
        return self.ingest(discover(dirs), force=force, on_file=on_file)

    def ingest(
        self, files: Iterable[Path], *, force: bool = False, on_file: Progress | None = None
    ) -> IngestReport:
        """Add or replace documents. One bad document never stops the others nor touches what is stored."""
        files = [Path(p) for p in files]
        report = IngestReport()
        seen: dict[str, Path] = {}
        for rank, path in enumerate(files, 1):
            if on_file:
                on_file(path, rank, len(files))
            doc_id = document_id(path)
            if doc_id in seen:
                error = f"{path}: same document id {doc_id!r} as {seen[doc_id]}; rename one of the files"
                report.documents.append(DocumentReport(str(path), doc_id, "error", error=error))
                continue
            seen[doc_id] = path
            report.documents.append(ingest_one(self.store, self.reference, path, doc_id, force))
        if any(d.status == "ingested" for d in report.documents):
            self.knowledge_cache.invalidate()
            self.answers.clear()
        fill_totals(report, self.store, self.reference)
        return report

    def upload(self, name: str, data: bytes, authorization: str | None) -> dict[str, Any]:
        """Add or replace one document sent over HTTP. A failed ingest leaves the store and the files as they
        were."""
        check_upload_token(self.settings, authorization)
        if len(data) > self.settings.upload_max_bytes:
            raise TooLarge(
                f"document of {len(data)} bytes",
                where=name,
                valid=f"at most {self.settings.upload_max_bytes} bytes (QFQ_UPLOAD_MAX_BYTES)",
            )
        target = self.settings.data / "uploads" / upload_name(name)
        return ingest_file(target, data, self.ingest).without_paths().to_dict()

    # -- exports ------------------------------------------------------------------------------------------

    def export_rows(self):
        return iter_rows(self.store, self.referential, self.knowledge.graph)

    def export_actions(self, out: IO[str]) -> int:
        """The JSON Lines of every action, to a text stream (the rows of the ``actions`` export)."""
        return write_jsonl(self.export_rows(), out)

    def exports(self) -> dict[str, Any]:
        """The export formats, for the web page and /exports."""
        return {
            "items": [
                {
                    "name": e.name,
                    "media_type": e.media_type,
                    "suffix": e.suffix,
                    "description": e.description,
                    "url": f"/export/{e.name}",
                }
                for e in EXPORTS.values()
            ]
        }

    def export(
        self, fmt: str, out: BinaryIO, *, territory: str | None = None, theme: str | None = None
    ) -> Export:
        """Write the knowledge base (or its part on a territory and/or theme) in one of :data:`EXPORTS`."""
        export = export_format(fmt)
        kb = self.knowledge
        territories = None
        if territory:
            place = kb.queries.place(territory)
            territories = kb.queries.below(place) | set(kb.queries.above(place))
        themes = {theme if theme.startswith("theme:") else f"theme:{theme}"} if theme else None
        source = ExportSource(
            kb.graph,
            lambda: kb.rdf,
            self.export_rows,
            kb.reference.ontology,
            territories=territories,
            themes=themes,
        )
        export.write(source, out)
        return export

    def export_graph(self, fmt: str, out: BinaryIO, **filters: str | None) -> None:
        self.export(fmt, out, **filters)

    # -- actions ------------------------------------------------------------------------------------------

    def list_actions(self, *, limit: int = 50, offset: int = 0, q: str | None = None, **filters: Any) -> dict:
        """Actions, filtered (territory with containment, theme, public, dispositif, actor, document, words:
        the fields of :class:`graph.filters.Filters`), a page of them."""
        most = self.settings.page_limit_max
        if not 1 <= limit <= most:
            raise InputError(f"page size {limit}", where="limit", valid=f"1 to {most} (QFQ_PAGE_LIMIT_MAX)")
        found = Filters(words=q, **filters).actions(self.knowledge.queries)
        page = found[offset : offset + limit]
        return {
            "total": len(found),
            "limit": limit,
            "offset": offset,
            "items": [self.get_action(x["id"].removeprefix("action:")) for x in page],
        }

    def get_action(self, action_id: str) -> dict[str, Any]:
        row = action_row(self.store, self.referential, self.knowledge.graph, action_id)
        p = row.provenance
        p.source = f"/documents/{p.doc}/passage?start={p.line_start}&end={p.line_end}"
        return row.model_dump(mode="json")

    def passage(self, doc_id: str, start: int, end: int | None = None, context: int = 3) -> dict[str, Any]:
        return self.store.passage(doc_id, start, end or start, context)

    # -- knowledge graph ------------------------------------------------------------------------------------

    def who(
        self,
        *,
        what: str | None = None,
        where: str | None = None,
        theme: str | None = None,
        include_generic: bool = False,
    ) -> dict[str, Any]:
        if not (what or where or theme):
            raise InputError(
                "say what, where or which theme",
                where="what/where/theme",
                valid="--what TEXT, --where PLACE and/or --theme SLUG",
            )
        return self._answer(
            "who",
            lambda: self.knowledge.queries.who(
                what=what, where=where, theme=theme, include_generic=include_generic
            ),
            what,
            where,
            theme,
            include_generic,
        )

    def match(
        self,
        *,
        age: int | None = None,
        statuses: list[str] | None = None,
        where: str | None = None,
        needs: list[str] | None = None,
    ) -> dict[str, Any]:
        from graph.match import Matcher, Profile

        profile = Profile(age=age, statuses=list(statuses or []), where=where, needs=list(needs or []))
        return self._answer(
            "match",
            lambda: Matcher(self.knowledge.queries, self.store.lines).match(profile),
            age,
            sorted(profile.statuses),
            where,
            sorted(profile.needs),
        )

    def coverage(
        self, theme: str, *, level: str = "departement", within: str | None = None
    ) -> dict[str, Any]:
        return self.knowledge.queries.coverage(theme, level=level, within=within)

    def dispositifs(self) -> dict[str, Any]:
        return self.knowledge.queries.dispositifs()

    def dispositif(self, dispositif_id: str) -> dict[str, Any]:
        return self.knowledge.queries.dispositif(dispositif_id)

    def vocabulary(self) -> dict[str, Any]:
        from graph.match import vocabulary

        return vocabulary(self.reference.vocabularies, self.reference.profile)

    def territories(self, q: str, limit: int = 10) -> dict[str, Any]:
        return territory_hits(self.referential, q, limit)

    def actors(self, name: str | None = None) -> dict[str, Any]:
        """Actors with their kind, aliases, lineage and every resolution decision (the merge log)."""
        return actor_list(self.knowledge, name)

    def sparql(self, query: str) -> dict[str, Any]:
        """A read-only SPARQL query; at most ``sparql_concurrency`` run at once (each forks a process), the
        others are refused at once (Busy: 503 with Retry-After) rather than queued behind them."""
        if not self._sparql_slots.acquire(blocking=False):
            raise Busy(
                f"{self.settings.sparql_concurrency} SPARQL queries are already running",
                where="query",
                valid="retry in a moment (QFQ_SPARQL_CONCURRENCY)",
                retry_after=max(1, round(self.settings.sparql_timeout)),
            )
        try:
            rdf = self.knowledge.rdf
            return sparql(rdf, query, timeout=self.settings.sparql_timeout, limit=self.settings.sparql_limit)
        finally:
            self._sparql_slots.release()

    def neighbourhood(self, node: str, limit: int = 40) -> dict[str, Any]:
        return self.knowledge.queries.neighbourhood(node, limit)

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "documents": len(self.store.documents()),
            "actions": self.store.count_actions(),
        }
