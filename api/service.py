"""The service facade: what the CLI and the HTTP routes call. No business logic lives in either of them."""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import IO, Any

from api.memory import settle_memory
from api.report import DocumentReport, IngestReport, summarise_missing
from api.settings import Settings
from graph.actions_export import action_row, iter_rows, write_jsonl
from graph.enrich import enrichers
from graph.exports import FORMATS, subgraph
from graph.knowledge import KnowledgeBase, KnowledgeCache
from graph.linking import TerritoryLinker
from graph.rdf import serialize, to_rdf
from graph.reference import ReferenceData
from graph.sparql import sparql
from graph.store import Store
from graph.territories import Referential
from ingest.errors import AccessDenied, InputError, QfqError, TooLarge, UnsupportedFormat
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import document_id, parse_document
from ingest.text import fold

log = logging.getLogger(__name__)
Progress = Callable[[Path], None]
EXPORT_FORMATS = ("actions", "gexf", "graphml", "csv", "ttl", "jsonld")
MEDIA_TYPES = {
    "actions": "application/x-ndjson",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    **{k: v.media_type for k, v in FORMATS.items()},
}


class Service:
    def __init__(self, settings: Settings, *, reference: ReferenceData | None = None):
        """``reference``: reference data to share with other services of the process (tests do); by default the
        service loads its own from the settings."""
        self.settings = settings
        if reference is not None:
            self.__dict__["reference"] = reference
        self._search_lock = threading.Lock()
        self._answers: OrderedDict[tuple, Any] = OrderedDict()
        self._answers_lock = threading.Lock()

    def _answer(self, name: str, compute: Callable[[], Any], *key: Any) -> Any:
        """Answers of the read queries, kept for the current knowledge base (an ingest starts a new one).

        The same object is handed to every caller: answers are read-only (the routes serialise them, the CLI
        prints them)."""
        full = (name, id(self.knowledge), repr(key))
        with self._answers_lock:
            if full in self._answers:
                self._answers.move_to_end(full)
                return self._answers[full]
        value = compute()
        with self._answers_lock:
            self._answers[full] = value
            while len(self._answers) > self.settings.answer_cache_size:
                self._answers.popitem(last=False)
        return value

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
        """Build now what the first requests would build — knowledge graph, search indexes, encoders — then move
        all of it out of the garbage collector's reach: loaded later, the encoders' objects (~375k) would make
        every full collection pause all requests for ~200 ms (bench/load.py)."""
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

    def index(self) -> dict[str, Any]:
        """Build the graph and the search indexes now (encoding only chunks not yet in the vector cache)."""
        engine = self.search_engine
        return {
            "chunks": len(engine.index.chunks),
            "encoder": self.encoders["search"].name,
            "similar_encoder": self.encoders["similar"].name,
        }

    def search(self, text: str, *, k: int = 10, **filters: Any) -> dict[str, Any]:
        from embeddings.engine import Filters

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
        files: list[Path] = []
        for d in dirs:
            d = Path(d)
            if not d.is_dir():
                raise InputError("is not a directory", where=str(d), valid="a directory of documents")
            files += [p for p in d.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES]
        return sorted(files)

    def build(
        self, dirs: Iterable[Path] | None = None, *, force: bool = False, on_file: Progress | None = None
    ) -> IngestReport:
        dirs = list(dirs) if dirs else list(self.settings.corpus)
        if not dirs:
            raise InputError(
                "no corpus directory given and ../shared/corpus does not exist",
                where="--corpus",
                valid="one or more directories of documents",
            )
        return self.ingest(self.discover(dirs), force=force, on_file=on_file)

    def ingest(
        self, files: Iterable[Path], *, force: bool = False, on_file: Progress | None = None
    ) -> IngestReport:
        """Add or replace documents. One bad document never stops the others nor touches what is stored."""
        report = IngestReport()
        seen: dict[str, Path] = {}
        for path in files:
            path = Path(path)
            if on_file:
                on_file(path)
            doc_id = document_id(path)
            if doc_id in seen:
                report.documents.append(
                    DocumentReport(
                        str(path),
                        doc_id,
                        "error",
                        error=f"{path}: same document id {doc_id!r} as {seen[doc_id]}; rename one of the files",
                    )
                )
                continue
            seen[doc_id] = path
            report.documents.append(self._ingest_one(path, doc_id, force))
        if any(d.status == "ingested" for d in report.documents):
            self.knowledge_cache.invalidate()
        self._totals(report)
        return report

    def _ingest_one(self, path: Path, doc_id: str, force: bool) -> DocumentReport:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            return DocumentReport(
                str(path), doc_id, "error", error=f"{path}: cannot read the file ({exc.strerror})"
            )
        if not force and self.store.document_hash(doc_id) == digest:
            return DocumentReport(
                str(path),
                doc_id,
                "unchanged",
                actions=self.store.count_actions(doc_id),
                warnings=self.store.warnings(doc_id),
            )
        try:
            gazetteer = TerritoryLinker(self.referential).is_place
            parsed = parse_document(path, doc_id=doc_id, gazetteer=gazetteer)
            self.store.replace_document(parsed, parsed.text.lines, parsed.text.pages)
        except QfqError as exc:
            log.warning("%s", exc)
            return DocumentReport(str(path), doc_id, "error", error=str(exc))
        except Exception as exc:  # a parser defect on one document must not stop the others
            log.exception("unexpected failure on %s", path)
            return DocumentReport(
                str(path), doc_id, "error", error=f"{path}: internal error ({type(exc).__name__}: {exc})"
            )
        shapes: dict[str, int] = {}
        for a in parsed.actions:
            shapes[a.shape] = shapes.get(a.shape, 0) + 1
        warnings = list(parsed.warnings) + [w for a in parsed.actions for w in a.warnings]
        return DocumentReport(
            str(path),
            doc_id,
            "ingested",
            actions=len(parsed.actions),
            fields_missing=summarise_missing(parsed.actions),
            warnings=warnings,
            shapes=shapes,
        )

    def _totals(self, report: IngestReport) -> None:
        entities: set[str] = set()
        unmatched: set[str] = set()
        territories = 0
        for row in self.export_rows():
            for o in row.pilots + row.partners:
                entities.add(o.id)
            for t in row.territories:
                territories += 1
                if t.code is None:
                    unmatched.add(f"{t.name} ({row.doc})")
        report.entities = len(entities)
        report.territories = territories
        report.unmatched_territories = sorted(unmatched, key=fold)

    # -- reads --------------------------------------------------------------------------------------------

    def export_rows(self):
        return iter_rows(self.store, self.referential, self.knowledge.graph)

    def export_actions(self, out: IO[str]) -> int:
        return write_jsonl(self.export_rows(), out)

    def list_actions(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        doc: str | None = None,
        where: str | None = None,
        theme: str | None = None,
        public: str | None = None,
        dispositif: str | None = None,
        actor: str | None = None,
        q: str | None = None,
    ) -> dict[str, Any]:
        """Actions, filtered (territory with containment, theme, public, dispositif, actor, document, words)."""
        limit = min(limit, self.settings.page_limit_max)
        kb = self.knowledge
        g = kb.graph
        nodes = [x["id"] for x in kb.queries.actions(what=q, where=where, theme=theme, actor=actor)]
        if doc:
            nodes = [n for n in nodes if g.nodes[n].get("doc") == doc]
        if public:
            target = public if public.startswith("public:") else f"public:{public}"
            nodes = [n for n in nodes if g.has_edge(n, target)]
        if dispositif:
            target = dispositif if dispositif.startswith("dispositif:") else f"dispositif:{dispositif}"
            nodes = [n for n in nodes if g.has_edge(n, target)]
        page = nodes[offset : offset + limit]
        return {
            "total": len(nodes),
            "limit": limit,
            "offset": offset,
            "items": [self.get_action(n.removeprefix("action:")) for n in page],
        }

    def get_action(self, action_id: str) -> dict[str, Any]:
        row = action_row(self.store, self.referential, self.knowledge.graph, action_id)
        p = row.provenance
        p.source = f"/documents/{p.doc}/passage?start={p.line_start}&end={p.line_end}"
        return row.model_dump(mode="json")

    def dispositifs(self) -> dict[str, Any]:
        return self.knowledge.queries.dispositifs()

    def dispositif(self, dispositif_id: str) -> dict[str, Any]:
        return self.knowledge.queries.dispositif(dispositif_id)

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

    def vocabulary(self) -> dict[str, Any]:
        from graph.match import vocabulary

        return vocabulary(self.reference.vocabularies, self.reference.profile)

    def coverage(
        self, theme: str, *, level: str = "departement", within: str | None = None
    ) -> dict[str, Any]:
        return self.knowledge.queries.coverage(theme, level=level, within=within)

    def sparql(self, query: str) -> dict[str, Any]:
        return sparql(
            self.knowledge.rdf, query, timeout=self.settings.sparql_timeout, limit=self.settings.sparql_limit
        )

    def actors(self, name: str | None = None) -> dict[str, Any]:
        """Actors with their kind, aliases, lineage and every resolution decision (the merge log)."""
        kb = self.knowledge
        decisions: dict[str, list[dict[str, str]]] = {}
        for d in kb.built.resolver.log:
            decisions.setdefault(d.actor, []).append(
                {"written": d.mention, "doc": d.doc, "rule": d.rule, "detail": d.detail}
            )
        key = fold(name) if name else None
        out = []
        for node, data in kb.graph.nodes(data=True):
            if data.get("type") != "actor":
                continue
            names = [data["label"], *(data.get("aliases") or []), data.get("acronym") or ""]
            if key and not any(key in fold(n) for n in names if n):
                continue
            summary = kb.queries.actor_summary(node)
            summary.update(
                aliases=data.get("aliases") or [],
                branches=data.get("branches") or [],
                generic=bool(data.get("generic")),
                decisions=decisions.get(node, []),
            )
            out.append(summary)
        out.sort(key=lambda a: fold(a["name"]))
        return {"query": name, "results": out}

    def territories(self, q: str, limit: int = 10) -> dict[str, Any]:
        found = self.referential.search(q, limit=limit)
        return {
            "query": q,
            "results": [
                {
                    "id": t.id,
                    "name": t.name,
                    "level": t.level,
                    "code": t.code,
                    "parents": [
                        p.name for p in self.referential.parents(t.id) if p.level in ("departement", "region")
                    ],
                }
                for t in found
            ],
        }

    def export_graph(
        self, fmt: str, out: IO[bytes], *, territory: str | None = None, theme: str | None = None
    ) -> None:
        """Write the graph (or its part on a territory and/or theme) in one of the export formats."""
        kb = self.knowledge
        graph = kb.graph
        if territory or theme:
            territories = (
                kb.queries._down(kb.queries.place(territory))
                | set(kb.queries._up(kb.queries.place(territory)))
                if territory
                else None
            )
            themes = {theme if theme.startswith("theme:") else f"theme:{theme}"} if theme else None
            graph = subgraph(graph, territories=territories, themes=themes)
        if fmt in FORMATS:
            FORMATS[fmt].write(graph, out)
        elif fmt in ("ttl", "jsonld"):
            rdf = kb.rdf if graph is kb.graph else to_rdf(graph, kb.reference.ontology)
            out.write(serialize(rdf, fmt).encode("utf-8"))
        else:
            raise InputError(
                f"unknown export format {fmt!r}", where="format", valid=", ".join(EXPORT_FORMATS)
            )

    def upload(self, name: str, data: bytes, token: str | None) -> dict[str, Any]:
        """Add or replace one document sent over HTTP. A failed ingest leaves the store and the files as they were."""
        expected = self.settings.upload_token
        if expected is None:
            raise AccessDenied(
                "uploads are disabled", where="POST /documents", valid="set QFQ_UPLOAD_TOKEN to enable them"
            )
        if not token or not secrets.compare_digest(token.encode(), expected.get_secret_value().encode()):
            raise AccessDenied(
                "missing or wrong token", where="Authorization", valid="Authorization: Bearer <token>"
            )
        if len(data) > self.settings.upload_max_bytes:
            raise TooLarge(
                f"document of {len(data)} bytes",
                where=name,
                valid=f"at most {self.settings.upload_max_bytes} bytes (QFQ_UPLOAD_MAX_BYTES)",
            )
        safe = Path(name).name
        if not safe or Path(safe).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise UnsupportedFormat(
                "not a supported document name", where=name, valid=", ".join(SUPPORTED_SUFFIXES)
            )
        uploads = self.settings.data / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        target = uploads / safe
        backup = target.with_name(target.name + ".previous")
        if target.exists():
            target.replace(backup)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        report = self.ingest([target])
        if report.errors:
            target.unlink(missing_ok=True)
            if backup.exists():
                backup.replace(target)
        else:
            backup.unlink(missing_ok=True)
        return report.to_dict()

    def passage(self, doc_id: str, start: int, end: int, context: int = 3) -> dict[str, Any]:
        return self.store.passage(doc_id, start, end, context)

    def neighbourhood(self, node: str, limit: int = 40) -> dict[str, Any]:
        return self.knowledge.queries.neighbourhood(node, limit)

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "documents": len(self.store.documents()),
            "actions": self.store.count_actions(),
        }
