"""Answers of the read queries: the one answer cache of the service, and the one JSON serialisation that both
the HTTP routes and the CLI's ``--json`` use.

An answer is a plain dict (what the facade computed) that also keeps, once computed, its JSON body for a
response model: a cached answer is validated against its model and encoded once, then served as bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from pydantic import BaseModel


class Answer(dict):
    """A read-only answer of the facade, with its encoded JSON bodies (one per response model)."""

    __slots__ = ("_bodies",)

    def __init__(self, value: dict[str, Any]):
        super().__init__(value)
        self._bodies: dict[type[BaseModel], bytes] = {}

    def body(self, model: type[BaseModel]) -> bytes:
        found = self._bodies.get(model)
        if found is None:  # two threads may both encode: the bodies are equal, the last one is kept
            found = self._bodies[model] = encode(model, self)
        return found


def encode(model: type[BaseModel], value: Any) -> bytes:
    """The JSON body of an answer: validated against its response model, fields left out staying out."""
    return model.model_validate(value).model_dump_json(by_alias=True, exclude_unset=True).encode("utf-8")


def body(model: type[BaseModel], value: Any) -> bytes:
    """The JSON body of any facade answer (kept with it when it is a cached :class:`Answer`)."""
    return value.body(model) if isinstance(value, Answer) else encode(model, value)


class AnswerCache:
    """The last ``size`` answers of the read queries on one knowledge base, by key (thread-safe; ``size`` 0
    keeps nothing). Answers are dropped when asked for on another knowledge base (after an ingest)."""

    def __init__(self, size: int):
        self.size = size
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._of: object = None  # the knowledge base the answers were computed on
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._of = None

    def get(self, of: object, key: Hashable, compute: Callable[[], dict[str, Any]]) -> Answer:
        with self._lock:
            if of is not self._of:
                self._answers.clear()
                self._of = of
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
                return found
        value = Answer(compute())
        if self.size:
            with self._lock:
                if of is not self._of:  # the knowledge base changed while this answer was computed
                    return value
                self._answers[key] = value
                while len(self._answers) > self.size:
                    self._answers.popitem(last=False)
        return value
