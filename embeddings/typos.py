"""Query stems the index never saw, read as the closest stem it holds (a typo: "horraire", "logemment").

Between stems equally close, the one more chunks use wins, then the first in alphabetical order: the same
answer whatever the order of the index's vocabulary (it follows Python's string hashing, different in every
process). Only stems whose length can reach the cutoff are compared: rapidfuzz's ratio is at most
2·min(a, b)/(a + b), so from a cutoff of 80 a 6-letter stem is compared with stems of 4 to 9 letters — the
same answer as comparing them all, for a fraction of the work (a search holds the GIL while it runs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz, process

MIN_FUZZY = 4  # stems shorter than this are never corrected
FUZZY_CUTOFF = 80  # rapidfuzz ratio from which an unknown stem is taken for a known one


class Corrector:
    def __init__(self, vocab: Mapping[str, int], chunks_using: Sequence[int]) -> None:
        """`vocab`: stem -> column; `chunks_using[column]`: how many chunks use the stem (0 when unknown)."""
        self.vocab = vocab

        def used(t: str) -> int:
            i = vocab[t]
            return int(chunks_using[i]) if i < len(chunks_using) else 0

        ranked = sorted((t for t in vocab if len(t) >= MIN_FUZZY), key=lambda t: (-used(t), t))
        self._by_length: dict[int, tuple[list[str], list[int]]] = {}  # length -> (stems, their ranks)
        for rank, t in enumerate(ranked):
            stems, ranks = self._by_length.setdefault(len(t), ([], []))
            stems.append(t)
            ranks.append(rank)

    def corrected(self, query_tokens: list[str]) -> list[str]:
        return [self.closest(t) for t in query_tokens]

    def closest(self, t: str) -> str:
        if t in self.vocab or len(t) < MIN_FUZZY:
            return t
        n, share = len(t), FUZZY_CUTOFF / 100
        shortest = math.floor(n * share / (2 - share))  # a little wide on both sides: never too narrow
        longest = math.ceil(n * (2 - share) / share)
        best: tuple[float, int, str] | None = None  # (score, -rank, stem)
        for length in range(shortest, longest + 1):
            bucket = self._by_length.get(length)
            if not bucket:
                continue
            found = process.extractOne(t, bucket[0], scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if found:
                candidate = (found[1], -bucket[1][found[2]], found[0])
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
        return best[2] if best else t
