"""Eligibility conditions as data: a tree of all / any / not over typed facts, read from
``graph/data/conditions.toml`` and checked at load (every error names the dispositif and the node).

A node is a TOML array whose first item names it (the file's header lists them): ``["all", …]``,
``["any", …]``, ``["not", c]``, ``["age", 16, 25]``, ``["status", "demandeur_emploi"]``,
``["fact", "promesse_embauche"]``, ``["max", "salaire_net_mensuel", 1500]``, ``["one_of", "reprise", […]]``,
``["child_under", 10]``, ``["territory", "Vendée"]``. Evaluation is in :mod:`graph.conditions_eval`."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.conditions_facts import Facts
from ingest.errors import ConfigError

DATA_FILE = Path(__file__).resolve().parent / "data" / "conditions.toml"
LOGIC = ("all", "any", "not")
LEAVES = ("age", "age_min", "age_max", "status", "fact", "min", "max", "one_of", "child_under", "territory")


@dataclass(frozen=True)
class Node:
    """One node of a condition tree: ``op`` is a logic operator or a leaf kind."""

    op: str
    children: tuple[Node, ...] = ()
    name: str | None = None  # status slug, fact name or territory name
    low: float | None = None
    high: float | None = None
    values: tuple[str, ...] = ()
    constant: str | None = None  # the constant a bound was written with

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Constant:
    name: str
    value: float
    since: dt.date | None
    label: str


@dataclass(frozen=True)
class Conditions:
    """A dispositif's rule, what the adviser verifies, and where and when the rule was checked."""

    rule: Node
    verify: tuple[str, ...]
    source: str | None
    operator_url: str | None
    checked: dt.date | None


class _Parser:
    def __init__(self, where: str, statuses: set[str], facts: Facts, constants: dict[str, Constant]):
        self.where, self.statuses, self.facts, self.constants = where, statuses, facts, constants

    def fail(self, message: str, raw: Any, valid: str) -> None:
        raise ConfigError(f"{message}: {raw!r}", where=self.where, valid=valid)

    def node(self, raw: Any) -> Node:
        if not isinstance(raw, list) or not raw or not isinstance(raw[0], str):
            self.fail(
                "une condition est un tableau dont le premier élément la nomme",
                raw,
                ", ".join(LOGIC + LEAVES),
            )
        op, args = raw[0], raw[1:]
        if op in LOGIC:
            if op == "not" and len(args) != 1:
                self.fail("« not » prend une seule condition", raw, '["not", ["status", "etudiant"]]')
            if op == "any" and len(args) < 2:
                self.fail("« any » prend au moins deux conditions", raw, '["any", c1, c2, …]')
            return Node(op, tuple(self.node(a) for a in args))
        method = getattr(self, f"leaf_{op}", None)
        if op not in LEAVES or method is None:
            self.fail("condition inconnue", op, ", ".join(LOGIC + LEAVES))
        return method(raw, args)

    def _int(self, raw: Any, value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 120:
            self.fail("un âge est un nombre entier d'années", raw, "de 0 à 120")
        return value

    def leaf_age(self, raw, args) -> Node:
        if len(args) != 2:
            self.fail("« age » prend un minimum et un maximum", raw, '["age", 16, 25]')
        low, high = self._int(raw, args[0]), self._int(raw, args[1])
        if low > high:
            self.fail("minimum supérieur au maximum", raw, "min <= max")
        return Node("age", low=low, high=high)

    def leaf_age_min(self, raw, args) -> Node:
        if len(args) != 1:
            self.fail("« age_min » prend un âge", raw, '["age_min", 18]')
        return Node("age", low=self._int(raw, args[0]))

    def leaf_age_max(self, raw, args) -> Node:
        if len(args) != 1:
            self.fail("« age_max » prend un âge", raw, '["age_max", 29]')
        return Node("age", high=self._int(raw, args[0]))

    def leaf_status(self, raw, args) -> Node:
        if len(args) != 1 or args[0] not in self.statuses:
            self.fail("statut inconnu", raw, ", ".join(sorted(self.statuses)))
        return Node("status", name=args[0])

    def _fact(self, raw, name, types: tuple[str, ...]):
        fact = self.facts.get(name) if isinstance(name, str) else None
        if fact is None or fact.type not in types:
            valid = ", ".join(n for n in self.facts.names() if self.facts.get(n).type in types)
            self.fail(f"fait inconnu ou pas de type {'/'.join(types)}", raw, valid)
        return fact

    def leaf_fact(self, raw, args) -> Node:
        if len(args) != 1:
            self.fail("« fact » prend un nom de fait", raw, '["fact", "promesse_embauche"]')
        return Node("fact", name=self._fact(raw, args[0], ("bool",)).name)

    def _bound(self, raw, args, op: str) -> Node:
        if len(args) != 2:
            self.fail(f"« {op} » prend un fait et un nombre", raw, f'["{op}", "salaire_net_mensuel", 1500]')
        fact = self._fact(raw, args[0], ("int", "number"))
        value, constant = args[1], None
        if isinstance(value, str):
            if value not in self.constants:
                self.fail("constante inconnue", raw, ", ".join(sorted(self.constants)))
            constant, value = value, self.constants[value].value
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.fail("une borne est un nombre ou le nom d'une constante", raw, "un nombre")
        low, high = (value, None) if op == "min" else (None, value)
        return Node(op, name=fact.name, low=low, high=high, constant=constant)

    def leaf_min(self, raw, args) -> Node:
        return self._bound(raw, args, "min")

    def leaf_max(self, raw, args) -> Node:
        return self._bound(raw, args, "max")

    def leaf_one_of(self, raw, args) -> Node:
        if len(args) != 2 or not isinstance(args[1], list) or not args[1]:
            self.fail(
                "« one_of » prend un fait et une liste de valeurs", raw, '["one_of", "reprise", ["cdi"]]'
            )
        fact = self._fact(raw, args[0], ("enum",))
        wrong = [v for v in args[1] if v not in fact.values]
        if wrong:
            self.fail(f"valeurs étrangères à {fact.name}", wrong, ", ".join(fact.values))
        return Node("one_of", name=fact.name, values=tuple(args[1]))

    def leaf_child_under(self, raw, args) -> Node:
        if len(args) != 1:
            self.fail("« child_under » prend un âge", raw, '["child_under", 10]')
        return Node("child_under", high=self._int(raw, args[0]))

    def leaf_territory(self, raw, args) -> Node:
        if len(args) != 1 or not isinstance(args[0], str) or not args[0].strip():
            self.fail("« territory » prend un nom de territoire", raw, '["territory", "Vendée"]')
        return Node("territory", name=args[0])


def load_conditions(
    slugs: list[str], statuses: set[str], facts: Facts, path: Path = DATA_FILE
) -> tuple[dict[str, Conditions], dict[str, Constant]]:
    """The conditions of every dispositif slug in ``slugs`` (each must have one), and the constants."""
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"conditions illisibles : {exc}", where=str(path), valid="un fichier TOML") from exc
    constants = {
        name: Constant(name, float(c["value"]), c.get("since"), c.get("label", name))
        for name, c in raw.pop("constants", {}).items()
    }
    unknown = sorted(set(raw) - set(slugs))
    missing = sorted(set(slugs) - set(raw))
    if unknown or missing:
        raise ConfigError(
            f"conditions de dispositifs inconnus {unknown} ou dispositifs sans conditions {missing}",
            where=str(path),
            valid="une table par identifiant de dispositif de dispositifs.ttl",
        )
    out = {}
    for slug, spec in raw.items():
        where = f"{path} [{slug}]"
        if "rule" not in spec:
            raise ConfigError(
                f"le dispositif {slug!r} n'a pas de règle (rule)", where=where, valid='rule = ["all", …]'
            )
        verify = spec.get("verify", [])
        if not isinstance(verify, list) or not all(isinstance(v, str) for v in verify):
            raise ConfigError(
                f"verify de {slug!r} n'est pas une liste de textes", where=where, valid='verify = ["…"]'
            )
        checked = spec.get("checked")
        if checked is not None and not isinstance(checked, dt.date):
            raise ConfigError(
                f"checked de {slug!r} n'est pas une date", where=where, valid="checked = 2026-12-01"
            )
        rule = _Parser(where, statuses, facts, constants).node(spec["rule"])
        out[slug] = Conditions(rule, tuple(verify), spec.get("source"), spec.get("operator_url"), checked)
    return out, constants


def summary(rule: Node) -> dict[str, Any]:
    """The age bounds, age exceptions and required statuses a reader expects of a simple rule: the top-level
    age leaf (or the first branch of a top-level ``any`` of age conditions) and the statuses required."""
    out: dict[str, Any] = {"min_age": None, "max_age": None, "age_exceptions": [], "one_of": [], "each": []}
    tops = rule.children if rule.op == "all" else (rule,)
    for node in tops:
        if node.op == "age":
            out["min_age"], out["max_age"] = node.low, node.high
        elif node.op == "status":
            out["each"].append(node.name)
        elif node.op == "any" and all(c.op == "status" for c in node.children):
            out["one_of"] = [c.name for c in node.children]
        elif node.op == "any" and node.children[0].op == "age":
            out["min_age"], out["max_age"] = node.children[0].low, node.children[0].high
            for branch in node.children[1:]:
                parts = branch.children if branch.op == "all" else (branch,)
                statuses = [p.name for p in parts if p.op == "status"]
                ages = [p for p in parts if p.op == "age"]
                if len(statuses) == 1 and len(ages) == len(parts) - 1:
                    out["age_exceptions"].append(
                        {"status": statuses[0], "max_age": ages[0].high if ages else None}
                    )
    return out
