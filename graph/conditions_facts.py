"""The typed facts a condition tests (``graph/data/facts.toml``) and the checking of a profile's values.

A fact is a yes/no answer, a number, one value of a list or a list of ages (the children). A profile gives
the facts it knows; the others stay unknown, and the conditions that test them are undecided with the fact's
question for the adviser to ask."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError, InputError

DATA_FILE = Path(__file__).resolve().parent / "data" / "facts.toml"
TYPES = ("bool", "int", "number", "enum", "ages")
_YES = {"oui", "true", "1", "vrai", "yes", "o"}
_NO = {"non", "false", "0", "faux", "no", "n"}


@dataclass(frozen=True)
class Fact:
    name: str
    type: str
    label: str
    question: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    values: tuple[str, ...] = ()
    value_labels: dict[str, str] | None = None
    implied_by: str | None = None
    # a number known to be at most a bound (a constant's name) when a yes/no fact is "oui": (fact, constant)
    at_most_if: tuple[str, str] | None = None
    # a number known to be at least a bound when the person holds a status: (status, number)
    at_least_if: tuple[str, float] | None = None
    # a status without which the fact is known false (a yes/no fact) or zero (a number) once the profile's
    # statuses are known: only a registered job seeker is paid the ASS or has months of registration
    requires_status: str | None = None

    def describe(self, value: Any) -> str:
        """A value as an adviser reads it: "oui", "1 200 €", "CDD", "2 ans et 5 ans"."""
        if self.type == "bool":
            return "oui" if value else "non"
        if self.type == "enum":
            return (self.value_labels or {}).get(value, value)
        if self.type == "ages":
            return " et ".join(_years(a) for a in sorted(value)) if value else "aucun enfant"
        return f"{number(value)} {self.unit}".strip()

    def form(self) -> dict[str, Any]:
        """What a form needs to ask for the fact."""
        out: dict[str, Any] = {
            "fact": self.name,
            "type": self.type,
            "label": self.label,
            "question": self.question,
        }
        if self.unit:
            out["unit"] = self.unit
        if self.values:
            out["values"] = [{"slug": v, "label": (self.value_labels or {}).get(v, v)} for v in self.values]
        return out


def _at_most_if(spec: Any, where: str) -> tuple[str, str] | None:
    if spec is None:
        return None
    if not (isinstance(spec, list) and len(spec) == 2 and all(isinstance(x, str) for x in spec)):
        raise ConfigError(
            "borne conditionnelle mal écrite : un fait oui/non puis le nom d'une constante sont attendus",
            where=f"{where} (clé de borne)",
            valid="une liste de deux noms : un fait de facts.toml, une constante de conditions.toml",
        )
    return spec[0], spec[1]


def _at_least_if(spec: Any, where: str) -> tuple[str, float] | None:
    if spec is None:
        return None
    if not (
        isinstance(spec, list)
        and len(spec) == 2
        and isinstance(spec[0], str)
        and isinstance(spec[1], int | float)
    ):
        raise ConfigError(
            "borne minimale par statut mal écrite : un statut puis un nombre sont attendus",
            where=f"{where} (clé de borne)",
            valid='une liste [statut, nombre], ex. ["demandeur_emploi_longue_duree", 12]',
        )
    return spec[0], float(spec[1])


def _requires_status(spec: Any, kind: str, where: str) -> str | None:
    if spec is None:
        return None
    if not isinstance(spec, str) or kind not in ("bool", "int", "number"):
        raise ConfigError(
            "statut requis mal écrit : un nom de statut, sur un fait oui/non ou numérique",
            where=f"{where} (clé requires_status)",
            valid='un statut du profil, ex. "demandeur_emploi"',
        )
    return spec


def _years(age: int) -> str:
    """A child's age in French: "moins d'un an", "1 an", "5 ans"."""
    return "moins d'un an" if age < 1 else "1 an" if age == 1 else f"{age} ans"


def number(value: float) -> str:
    """1500 -> "1 500", 32.13 -> "32,13" (French)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")


class Facts:
    """The fact vocabulary, by name."""

    def __init__(self, facts: dict[str, Fact]):
        self.index = facts

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> Facts:
        try:
            with open(path, "rb") as fh:
                raw = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"faits illisibles : {exc}", where=str(path), valid="un fichier TOML") from exc
        out = {}
        for name, spec in raw.items():
            if spec.get("type") not in TYPES or not spec.get("label") or not spec.get("question"):
                raise ConfigError(
                    f"le fait {name!r} demande un type, un libellé (label) et une question",
                    where=f"{path} [{name}]",
                    valid=f"type parmi {', '.join(TYPES)}",
                )
            if spec["type"] == "enum" and not spec.get("values"):
                raise ConfigError(
                    f"le fait énuméré {name!r} n'a pas de valeurs",
                    where=f"{path} [{name}]",
                    valid="une liste `values = [...]`",
                )
            out[name] = Fact(
                name,
                spec["type"],
                spec["label"],
                spec["question"],
                spec.get("unit", ""),
                spec.get("min"),
                spec.get("max"),
                tuple(spec.get("values", ())),
                spec.get("value_labels"),
                spec.get("implied_by"),
                _at_most_if(spec.get("at_most_if"), f"{path} [{name}]"),
                _at_least_if(spec.get("at_least_if"), f"{path} [{name}]"),
                _requires_status(spec.get("requires_status"), spec["type"], f"{path} [{name}]"),
            )
        return cls(out)

    def get(self, name: str) -> Fact | None:
        return self.index.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def names(self) -> list[str]:
        return sorted(self.index)

    def parse(self, raw: dict[str, Any]) -> dict[str, Any]:
        """A profile's facts, checked and typed ("oui" -> True, "2,5" -> [2, 5]); errors name the fact
        and what is valid. ``age`` is the profile's own field, not a fact here."""
        out: dict[str, Any] = {}
        for name, value in raw.items():
            fact = self.index.get(name)
            if fact is None or name == "age":
                valid = ", ".join(n for n in self.names() if n != "age")
                raise InputError(f"fait inconnu {name!r}", where="facts", valid=valid)
            if value is None:
                continue
            out[name] = self._value(fact, value)
        return out

    def _value(self, fact: Fact, value: Any) -> Any:
        where = f"facts.{fact.name}"
        if fact.type == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().casefold()
            if text in _YES or text in _NO:
                return text in _YES
            raise InputError(
                f"valeur {value!r} invalide pour « {fact.label} »", where=where, valid="oui ou non"
            )
        if fact.type == "enum":
            if value not in fact.values:
                raise InputError(
                    f"valeur {value!r} invalide pour « {fact.label} »",
                    where=where,
                    valid=", ".join(fact.values),
                )
            return value
        if fact.type == "ages":
            items = (
                value
                if isinstance(value, list)
                else [v for v in str(value).replace(";", ",").split(",") if v.strip()]
            )
            return sorted(self._numeric(fact, v, where, integer=True) for v in items)
        return self._numeric(fact, value, where, integer=fact.type == "int")

    @staticmethod
    def _numeric(fact: Fact, value: Any, where: str, *, integer: bool) -> float | int:
        valid = f"un nombre{' entier' if integer else ''} de {fact.minimum:g} à {fact.maximum:g}"
        try:
            if isinstance(value, bool):
                raise ValueError
            number_ = (
                float(str(value).replace(",", ".").strip()) if not isinstance(value, int | float) else value
            )
            if integer and float(number_) != int(number_):
                raise ValueError
        except (TypeError, ValueError):
            raise InputError(
                f"valeur {value!r} invalide pour « {fact.label} »", where=where, valid=valid
            ) from None
        if not fact.minimum <= number_ <= fact.maximum:
            raise InputError(f"valeur {value!r} hors limites pour « {fact.label} »", where=where, valid=valid)
        return int(number_) if integer else float(number_)


def fact_pairs(items: list[str], where: str) -> dict[str, str]:
    """["promesse_embauche=oui", "enfants=2,5"] -> {"promesse_embauche": "oui", "enfants": "2,5"}."""
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(
                f"fait mal écrit : {item!r}", where=where, valid="NOM=VALEUR, ex. promesse_embauche=oui"
            )
        out[name.strip()] = value.strip()
    return out
