"""Reference data: the territory referential, the dispositif thesaurus, the publics/themes vocabularies, the
actor lexicon with the curator's aliases, and the terms the RDF ontology declares.

One `ReferenceData` object holds them all. The service builds it once from the settings and passes it down
to the graph builder, the queries, the matcher and the RDF writer; nothing in the graph layer keeps reference
data in a module-level cache. Each part is read from its file on first use (a command that only needs
territories never parses the thesaurus), once per object, under a lock so that concurrent requests load it
once.

The files are package data under ``graph/data``; a directory given as ``directory`` (setting
``QFQ_REFERENCE_DIR``) replaces any of them by a file of the same name.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from graph.actors import Aliases, LexiconEntry, load_aliases, load_lexicon
from graph.dispositifs import Thesaurus
from graph.profile import ProfileTerms
from graph.rdf import Ontology
from graph.territories import Referential, load_former_regions
from graph.vocabularies import Vocabularies
from graph.vocabularies import load as load_vocabularies

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
FILES = {
    "territories": "territories.json.gz",
    "former_regions": "former_regions.toml",
    "dispositifs": "dispositifs.ttl",
    "vocabularies": "vocabularies.ttl",
    "actors": "actors.toml",
    "aliases": "aliases.toml",
    "ontology": "qfq.ttl",
    "profile": "profile.toml",
    # read beside the files above (territories, the thesaurus), listed so that reports and caches see them
    "territory_aliases": "territory_aliases.toml",
    "facts": "facts.toml",
    "conditions": "conditions.toml",
    "data_inclusion": "data_inclusion.ttl",
}


@dataclass(frozen=True)
class ReferenceFiles:
    """Where each reference file is read from: ``directory`` first when it holds the file, else package
    data."""

    directory: Path | None = None

    def path(self, part: str) -> Path:
        name = FILES[part]
        if self.directory is not None and (self.directory / name).is_file():
            return self.directory / name
        return PACKAGE_DATA / name


class ReferenceData:
    """Every reference data set of a knowledge base, each loaded on first use."""

    def __init__(self, directory: Path | None = None):
        self.files = ReferenceFiles(Path(directory) if directory else None)
        self._lock = threading.RLock()

    def _load(self, name: str, load):
        """Load one part once, even when threads ask for it together (cached_property alone races)."""
        with self._lock:
            if name not in self.__dict__:
                self.__dict__[name] = load()
            return self.__dict__[name]

    @property
    def territories(self) -> Referential:
        return self._load("_territories", self._read_territories)

    def _read_territories(self) -> Referential:
        referential = Referential.load(self.files.path("territories"))
        referential.former_regions = load_former_regions(self.files.path("former_regions"))
        return referential

    @property
    def dispositifs(self) -> Thesaurus:
        return self._load("_dispositifs", lambda: Thesaurus.load(self.files.path("dispositifs")))

    @property
    def vocabularies(self) -> Vocabularies:
        return self._load("_vocabularies", lambda: load_vocabularies(self.files.path("vocabularies")))

    @property
    def lexicon(self) -> tuple[LexiconEntry, ...]:
        return self._load("_lexicon", lambda: load_lexicon(self.files.path("actors")))

    @property
    def aliases(self) -> Aliases:
        return self._load("_aliases", lambda: load_aliases(self.files.path("aliases")))

    @property
    def ontology(self) -> Ontology:
        return self._load("_ontology", lambda: Ontology.load(self.files.path("ontology")))

    @property
    def profile(self) -> ProfileTerms:
        return self._load("_profile", lambda: ProfileTerms.load(self.files.path("profile")))

    @cached_property
    def sources(self) -> dict[str, str]:
        """The file each part is (or will be) read from, for reports and logs."""
        return {part: str(self.files.path(part)) for part in FILES}
