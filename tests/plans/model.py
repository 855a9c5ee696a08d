"""The plan model the generators render: a plan is typed passages around a tree of groups and actions.

Sources are TOML files in ``sources/`` (invented plans) or the corpus read at test time (``corpus.py``).
The model only carries what a renderer needs; what a parser should find is written separately, by hand,
in ``expected.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

SOURCES = Path(__file__).resolve().parent / "sources"


@dataclass
class Action:
    """A unit of action: its ref as printed ("Fiche action n° 1.1.2"), title, labelled fields and prose."""

    ref: str
    title: str
    code: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    panel: list[tuple[str, str]] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    steps: list[Action] = field(default_factory=list)

    def field_value(self, label: str) -> str:
        for name, value in self.fields + self.panel:
            if name == label:
                return value
        return ""


@dataclass
class Group:
    """A grouping level (axe, objectif, pilier, engagement...): its ref, title, intro and children."""

    ref: str
    title: str
    intro: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


@dataclass
class Section:
    """A typed passage that is not an action: édito, diagnostic, gouvernance, glossaire, annexe."""

    kind: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    entries: list[tuple[str, str]] = field(default_factory=list)
    after: bool = False


@dataclass
class Plan:
    key: str
    title: str
    issuer: str
    subtitle: str = ""
    running_header: str = ""
    sections: list[Section] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def before(self) -> list[Section]:
        return [s for s in self.sections if not s.after]

    @property
    def after(self) -> list[Section]:
        return [s for s in self.sections if s.after]

    def all_actions(self) -> list[Action]:
        found = list(self.actions)
        for group in self.groups:
            found.extend(walk_actions(group))
        return found


def walk_actions(group: Group) -> list[Action]:
    found = list(group.actions)
    for child in group.groups:
        found.extend(walk_actions(child))
    return found


def walk_groups(groups: list[Group], depth: int = 0) -> list[tuple[int, Group]]:
    """Every group with its depth (0 for the top level), in document order."""
    found: list[tuple[int, Group]] = []
    for group in groups:
        found.append((depth, group))
        found.extend(walk_groups(group.groups, depth + 1))
    return found


def _pairs(raw: list[list[str]] | None, where: str) -> list[tuple[str, str]]:
    pairs = []
    for item in raw or []:
        if len(item) != 2:
            raise ValueError(f"{where}: a field is a [label, value] pair, got {item!r}")
        pairs.append((item[0], item[1]))
    return pairs


def _action(raw: dict, where: str) -> Action:
    where = f"{where} > {raw.get('ref', '?')}"
    return Action(
        ref=raw["ref"],
        title=raw["title"],
        code=raw.get("code", ""),
        fields=_pairs(raw.get("fields"), where),
        panel=_pairs(raw.get("panel"), where),
        body=list(raw.get("body", [])),
        steps=[_action(s, where) for s in raw.get("steps", [])],
    )


def _group(raw: dict, where: str) -> Group:
    where = f"{where} > {raw.get('ref', '?')}"
    return Group(
        ref=raw["ref"],
        title=raw["title"],
        intro=list(raw.get("intro", [])),
        groups=[_group(g, where) for g in raw.get("groups", [])],
        actions=[_action(a, where) for a in raw.get("actions", [])],
    )


def _section(raw: dict) -> Section:
    return Section(
        kind=raw["kind"],
        heading=raw["heading"],
        paragraphs=list(raw.get("paragraphs", [])),
        entries=_pairs(raw.get("entries"), raw["heading"]),
        after=bool(raw.get("after", False)),
    )


def load_plan(key: str, directory: Path = SOURCES) -> Plan:
    """The invented plan ``<directory>/<key>.toml`` (``sources/`` by default)."""
    path = directory / f"{key}.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    head = raw["plan"]
    return Plan(
        key=key,
        title=head["title"],
        issuer=head["issuer"],
        subtitle=head.get("subtitle", ""),
        running_header=head.get("running_header", ""),
        sections=[_section(s) for s in raw.get("sections", [])],
        groups=[_group(g, path.name) for g in raw.get("groups", [])],
        actions=[_action(a, path.name) for a in raw.get("actions", [])],
    )


DASH = "\u2013"  # the en dash the renderers put between a ref and a title


@dataclass(frozen=True)
class HeldOutSet:
    """A held-out set of plans: sources in ``sources/<name>/``, expectations in ``<name>.toml`` beside this
    module (written by hand before the parser first ran on the documents)."""

    name: str

    @property
    def expected_path(self) -> Path:
        return Path(__file__).resolve().parent / f"{self.name}.toml"

    @property
    def sources(self) -> Path:
        return SOURCES / self.name

    def expected(self) -> dict:
        return tomllib.loads(self.expected_path.read_text(encoding="utf-8"))

    def plan(self, key: str) -> Plan:
        return load_plan(key, self.sources)
