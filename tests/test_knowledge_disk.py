"""The built graph saved in the data directory (graph/knowledge_disk.py): loaded by the next process when its
key matches, rebuilt when the store, the reference files or the enrichers changed, or when the file is
corrupt. Real store (a copy of the two-document data directory), real builds."""

from __future__ import annotations

import logging
import pickle
import shutil
from pathlib import Path

import pytest

from api.service import Service
from api.settings import Settings
from graph.build import BuiltGraph, GraphBuilder
from graph.enrich import enrichers
from graph.knowledge import KnowledgeCache
from graph.knowledge_disk import FILE_NAME, SavedGraph
from graph.reference import ReferenceData
from graph.store import Store

LOADED = "saved graph loaded"


@pytest.fixture
def data(tmp_path: Path, two_docs_data: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(two_docs_data, folder)
    (folder / FILE_NAME).unlink(missing_ok=True)  # the template's own, if its build saved one
    return folder


def fresh(store: Store, reference: ReferenceData) -> BuiltGraph:
    return GraphBuilder(store, reference, enrichers=enrichers(reference)).build()


def assert_same(a: BuiltGraph, b: BuiltGraph) -> None:
    assert dict(a.graph.nodes(data=True)) == dict(b.graph.nodes(data=True))
    assert sorted(a.graph.edges(keys=True, data=True), key=repr) == sorted(
        b.graph.edges(keys=True, data=True), key=repr
    )
    assert a.unmatched_territories == b.unmatched_territories
    assert a.resolver.log == b.resolver.log
    assert a.resolver.actors.keys() == b.resolver.actors.keys()


def knowledge(data: Path, reference: ReferenceData, caplog, reference_dir: Path | None = None):
    """The knowledge base of a new service over ``data`` (what a new CLI process gets), and whether it was
    loaded from the saved file."""
    caplog.clear()
    svc = Service(Settings(data=data, corpus=[], reference_dir=reference_dir), reference=reference)
    try:
        with caplog.at_level(logging.INFO, logger="graph.knowledge_disk"):
            kb = svc.knowledge
        return kb, LOADED in caplog.text
    finally:
        svc.close()


def test_saved_graph_equals_a_fresh_build(data: Path, reference: ReferenceData, caplog) -> None:
    first, loaded = knowledge(data, reference, caplog)
    assert not loaded and (data / FILE_NAME).is_file()
    second, loaded = knowledge(data, reference, caplog)
    assert loaded, caplog.text
    store = Store(data / "qfq.sqlite")
    try:
        built = fresh(store, reference)
    finally:
        store.close()
    assert built.graph.number_of_edges() > 100
    assert_same(second.built, built)
    assert second.generation == first.generation
    # the resolver of the loaded graph uses this process's referential, not a copy saved in the file
    assert second.built.resolver.ref is reference.territories
    assert second.queries.who(where="Normandie")  # the queries run on it


def test_a_write_to_the_store_rebuilds(data: Path, reference: ReferenceData, caplog) -> None:
    before, _ = knowledge(data, reference, caplog)
    store = Store(data / "qfq.sqlite")
    try:
        doc = store.documents()[0].id
        store.delete_document(doc)
        built = fresh(store, reference)
    finally:
        store.close()
    after, loaded = knowledge(data, reference, caplog)
    assert not loaded and "generation" in caplog.text
    assert after.generation == before.generation + 1
    assert f"document:{doc}" in before.graph and f"document:{doc}" not in after.graph
    assert_same(after.built, built)
    again, loaded = knowledge(data, reference, caplog)  # saved again, for the new generation
    assert loaded
    assert_same(again.built, built)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "other object"])
def test_a_corrupt_file_is_rebuilt(data: Path, reference: ReferenceData, caplog, damage: str) -> None:
    knowledge(data, reference, caplog)
    path = data / FILE_NAME
    raw = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x80\x05not a pickle at all" + raw[-100:])
    else:  # the right key, then something that is no graph
        key = pickle.load(path.open("rb"))
        path.write_bytes(pickle.dumps(key) + pickle.dumps({"graph": None}))
    kb, loaded = knowledge(data, reference, caplog)
    assert not loaded
    assert "building it" in caplog.text
    store = Store(data / "qfq.sqlite")
    try:
        assert_same(kb.built, fresh(store, reference))
    finally:
        store.close()
    _, loaded = knowledge(data, reference, caplog)  # the file was written anew
    assert loaded


def test_changed_enrichers_rebuild(data: Path, reference: ReferenceData, caplog) -> None:
    knowledge(data, reference, caplog)
    store = Store(data / "qfq.sqlite")
    try:
        caplog.clear()
        cache = KnowledgeCache(store, reference, enrichers=[], saved=SavedGraph(data / FILE_NAME))
        with caplog.at_level(logging.INFO, logger="graph.knowledge_disk"):
            kb = cache.get()
        assert LOADED not in caplog.text and "enrichers" in caplog.text
        bare = GraphBuilder(store, reference).build()
    finally:
        store.close()
    assert_same(kb.built, bare)
    assert not any(d.get("type") == "dispositif" for _, d in kb.graph.nodes(data=True))


def test_changed_reference_file_rebuilds(
    data: Path, tmp_path: Path, reference: ReferenceData, caplog
) -> None:
    knowledge(data, reference, caplog)
    folder = tmp_path / "reference"
    folder.mkdir()
    aliases = reference.files.path("aliases")
    (folder / aliases.name).write_text(aliases.read_text(encoding="utf-8") + "\n# relu\n", encoding="utf-8")
    own = ReferenceData(folder)
    _, loaded = knowledge(data, own, caplog, reference_dir=folder)
    assert not loaded and "reference" in caplog.text
    _, loaded = knowledge(data, own, caplog, reference_dir=folder)
    assert loaded
    _, loaded = knowledge(data, reference, caplog)  # back to the packaged files: their key again differs
    assert not loaded
