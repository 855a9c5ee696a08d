"""The words of adviser matching kept as data (``graph/data/profile.toml``): needs, the phrases conditions use
for statuses and residences, statuses that entail others, and the kinds of dispositif."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ConfigError

DATA_FILE = Path(__file__).resolve().parent / "data" / "profile.toml"
_TABLES = ("needs", "status_phrases", "residence_phrases", "implied_statuses", "dispositif_kinds")


@dataclass(frozen=True)
class ProfileTerms:
    needs: dict[str, str]  # slug -> label
    status_phrases: dict[str, str]
    residence_phrases: dict[str, str]
    implied_statuses: dict[str, frozenset[str]]
    dispositif_kinds: dict[str, str]
    status_questions: dict[str, str] = dataclasses.field(default_factory=dict)
    # statuses a profile may declare beside the publics of vocabularies.ttl (slug -> the form's label)
    extra_statuses: dict[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> ProfileTerms:
        try:
            with open(path, "rb") as fh:
                raw = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(
                f"termes du profil illisibles : {exc}", where=str(path), valid="un fichier TOML"
            ) from exc
        missing = [t for t in _TABLES if t not in raw]
        if missing:
            raise ConfigError(
                f"tables manquantes : {', '.join(missing)}", where=str(path), valid=", ".join(_TABLES)
            )
        implied = {k: frozenset(v) for k, v in raw["implied_statuses"].items()}
        return cls(
            raw["needs"],
            raw["status_phrases"],
            raw["residence_phrases"],
            implied,
            raw["dispositif_kinds"],
            raw.get("status_questions", {}),
            raw.get("extra_statuses", {}),
        )

    def status(self, slug: str) -> str:
        """How a condition names a status ("demandeur d'emploi"); an unknown slug as words, visibly."""
        return self.status_phrases.get(slug, slug.replace("_", " "))

    def status_question(self, slug: str) -> str:
        """The question that asks for a status ("La personne est-elle salariée ?")."""
        return self.status_questions.get(slug) or f"La personne est-elle {self.status(slug)} ?"

    def residence(self, slug: str) -> str:
        return self.residence_phrases.get(slug, slug.replace("_", " "))

    def with_implied(self, statuses: set[str]) -> set[str]:
        """The statuses and those they entail."""
        held = set(statuses)
        for status in statuses:
            held |= self.implied_statuses.get(status, frozenset())
        return held
