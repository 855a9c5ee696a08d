"""Word sequences found in a list of words: a trie walked from every position.

What the gazetteer and the cue matcher ask is "which of these phrases (tuples of folded words) occur in this
list of words, where": a dictionary trie answers it without building a spaCy `Doc` per text (what a
`PhraseMatcher` needs), in one walk per starting word that stops at the first word no phrase continues with.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
_END = object()  # the key under which a node keeps the values of the phrase that ends there


class PhraseTrie(Generic[T]):
    """Phrases (sequences of words) with the values each one carries."""

    def __init__(self) -> None:
        self._root: dict = {}
        self.phrases = 0

    def add(self, words: Sequence[str], value: T) -> None:
        if not words:
            return
        node = self._root
        for w in words:
            node = node.setdefault(w, {})
        values = node.get(_END)
        if values is None:
            values = node[_END] = []
            self.phrases += 1
        values.append(value)

    def get(self, words: Sequence[str]) -> list[T]:
        """The values of one phrase ([] when it is not one)."""
        node = self._root
        for w in words:
            node = node.get(w)
            if node is None:
                return []
        return node.get(_END, [])

    def __len__(self) -> int:
        return self.phrases

    def find(self, words: Sequence[str]) -> Iterator[tuple[int, int, list[T]]]:
        """Every occurrence (start, end exclusive, values), overlapping ones included, by start then end."""
        root = self._root
        n = len(words)
        for s in range(n):
            node = root.get(words[s])
            e = s + 1
            while node is not None:
                values = node.get(_END)
                if values is not None:
                    yield s, e, values
                if e == n:
                    break
                node = node.get(words[e])
                e += 1

    def find_from(self, first: str, words: Sequence[str], s: int) -> Iterator[tuple[int, list[T]]]:
        """The phrases that start with ``first`` followed by ``words[s:]``: (end exclusive in ``words``,
        values), shortest first (a contracted article read as its article: « au » + « Lamentin »)."""
        node = self._root.get(first)
        e = s
        n = len(words)
        while node is not None and e < n:
            node = node.get(words[e])
            e += 1
            if node is not None and _END in node:
                yield e, node[_END]
