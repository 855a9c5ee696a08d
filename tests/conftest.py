"""Shared fixtures: the real corpus beside the repository, and fresh data directories."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from api.service import Service
from api.settings import Settings
from graph.reference import ReferenceData
from ingest.mentions import Block, Gazetteer, extract_mentions
from ingest.mentions.actions import shared_nlp
from ingest.mentions.normalize import fold

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
# the two corpus documents of the search, passage, model and page tests (a regional plan, a national booklet)
TWO_DOCS = ("001_7091df44cd1e8194.txt", "002_60c96a901df60f3b.txt")


@pytest.fixture(scope="session")
def gazetteer_rows() -> list[tuple[str, str, str]]:
    """The gazetteer rows the mention tests share (tests/data/mentions_gazetteer.toml): what the graph side
    would pass for their sentences."""
    with (Path(__file__).parent / "data" / "mentions_gazetteer.toml").open("rb") as fh:
        return [tuple(r) for r in tomllib.load(fh)["rows"]]


@pytest.fixture(scope="session")
def sentence_gazetteer(gazetteer_rows: list[tuple[str, str, str]]):
    """``make(extra_rows)``: the shared gazetteer rows plus those a test module adds (what the graph side
    would pass for its sentences), one gazetteer per set of rows for the run."""
    built: dict[tuple, Gazetteer] = {}

    def make(extra: list[tuple[str, str, str]]) -> Gazetteer:
        key = tuple(extra)
        if key not in built:
            built[key] = Gazetteer(gazetteer_rows + list(extra), shared_nlp())
        return built[key]

    return make


@pytest.fixture(scope="session")
def who_of():
    """``who_of(gazetteer, text, kind="description")``: (folded surface, kind, role) of every mention of one
    block of text."""

    def found(gazetteer: Gazetteer, text: str, kind: str = "description") -> set[tuple[str, str, str]]:
        return {
            (fold(m.surface), m.kind, m.role)
            for m in extract_mentions([Block(text, 1, None, kind)], gazetteer, shared_nlp())
        }

    return found


@pytest.fixture(scope="session")
def check_who(who_of):
    """``check_who(gazetteer, text, expected)``: every (surface, kind, role) of ``expected`` is a mention of
    ``text`` (other mentions allowed)."""

    def check(gazetteer: Gazetteer, text: str, expected: list[tuple[str, str, str]]) -> None:
        got = who_of(gazetteer, text)
        for surface, kind, role in expected:
            assert (fold(surface), kind, role) in got, (surface, sorted(got))

    return check


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus is not at {CORPUS} (../shared/corpus beside the repository)")
    return CORPUS


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One vector cache for the whole run: each chunk is encoded once, whatever the test."""
    return tmp_path_factory.mktemp("vectors") / "vectors.sqlite"


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    """The packaged reference data, loaded once for the run and shared by the tests' services."""
    return ReferenceData()


@pytest.fixture()
def service(tmp_path: Path, reference: ReferenceData) -> Service:
    svc = Service(Settings(data=tmp_path / "data", corpus=[]), reference=reference)
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, reference: ReferenceData) -> Service:
    """A service over the whole corpus, built once for the session (read-only tests only)."""
    # warm_up off: apps built on these settings would otherwise encode the whole corpus at start-up
    svc = Service(
        Settings(data=tmp_path_factory.mktemp("built") / "data", corpus=[corpus_dir], warm_up=False),
        reference=reference,
    )
    report = svc.build()
    assert report.errors == 0, report.to_dict()
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def two_docs(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """A folder with the two documents of ``TWO_DOCS`` (read-only: copy it to change a file)."""
    folder = tmp_path_factory.mktemp("two-docs")
    for name in TWO_DOCS:
        shutil.copyfile(corpus_dir / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def two_docs_data(
    tmp_path_factory: pytest.TempPathFactory, two_docs: Path, vector_cache: Path, reference: ReferenceData
) -> Path:
    """A data directory built and indexed once over ``two_docs`` (its store, its saved indexes, the vectors in
    the session cache): a template that each test copies (``shutil.copytree``), never opens in place."""
    data = tmp_path_factory.mktemp("two-docs-built") / "data"
    svc = Service(Settings(data=data, corpus=[two_docs], vector_cache=vector_cache), reference=reference)
    try:
        report = svc.build()
        assert report.errors == 0, report.to_dict()
        svc.index()
    finally:
        svc.close()
    return data


@pytest.fixture(scope="session")
def copied_two_docs(two_docs_data: Path, vector_cache: Path):
    """``make(folder, corpus)``: a service over a copy of ``two_docs_data`` in ``folder``, whose corpus is
    ``corpus`` (the two documents), built (every document unchanged) and indexed; the caller closes it."""

    def make(folder: Path, corpus: Path) -> Service:
        data = folder / "data"
        shutil.copytree(two_docs_data, data)
        svc = Service(Settings(data=data, corpus=[corpus], vector_cache=vector_cache))
        assert svc.build().errors == 0  # the copied store: every document unchanged
        svc.index()
        return svc

    return make
