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
    # publics an age proves (slug -> (min, max) years, inclusive)
    age_publics: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)

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
            _age_publics(raw.get("age_publics", {}), path),
        )

    def status(self, slug: str) -> str:
        """How a condition names a status ("demandeur d'emploi"); an unknown slug as words, visibly."""
        return self.status_phrases.get(slug, slug.replace("_", " "))

    def status_question(self, slug: str) -> str:
        """The question that asks for a status ("La personne est-elle salariée ?")."""
        return self.status_questions.get(slug) or f"La personne est-elle {self.status(slug)} ?"

    def residence(self, slug: str) -> str:
        return self.residence_phrases.get(slug, slug.replace("_", " "))

    def publics_of(self, age: int | None, statuses) -> set[str]:
        """The publics a person belongs to: the statuses held (with those they entail) and those the age
        proves."""
        held = self.with_implied(set(statuses))
        if age is not None:
            held |= {slug for slug, (low, high) in self.age_publics.items() if low <= age <= high}
        return held

    def with_implied(self, statuses: set[str]) -> set[str]:
        """The statuses and those they entail."""
        held = set(statuses)
        for status in statuses:
            held |= self.implied_statuses.get(status, frozenset())
        return held


def _age_publics(raw: dict, path: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for slug, bounds in raw.items():
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, int) for b in bounds)):
            raise ConfigError(
                f"[age_publics] {slug} : bornes d'âge invalides {bounds!r}",
                where=str(path),
                valid="deux nombres entiers d'années, [minimum, maximum]",
            )
        out[slug] = (bounds[0], bounds[1])
    return out
