"""Record types: what a document *says*, with where it says it.

These are plain dataclasses; `graph` turns them into linked entities.
Lines are 1-based and inclusive; `page` is set for paginated formats (PDF).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any


@dataclass(frozen=True)
class SheetRow:
    """One row of a spreadsheet below its header: its row number in the sheet, its line in the rendered text,
    its cells (a multi-line cell keeps its line breaks). `lines`: each cell's own line, for a row gathered
    from labelled lines of a text ("Pilote : …" on one line, "Partenaires : …" on the next); None when every
    cell stands on `line`."""

    number: int
    line: int
    cells: list[str]
    lines: tuple[int, ...] | None = None

    def line_of(self, index: int) -> int:
        """The line of the document that holds cell `index`."""
        if self.lines is not None and index < len(self.lines):
            return self.lines[index]
        return self.line


@dataclass(frozen=True)
class Sheet:
    """A sheet (or a CSV file) with a recognised header row."""

    name: str
    header: list[str]
    header_row: int  # the header's row number in the sheet
    header_line: int  # the header's 1-based line in the rendered text
    rows: list[SheetRow]


@dataclass(frozen=True)
class LoadedText:
    """A document's text as lines, with the page of each line when the format has pages.

    A spreadsheet is rendered as tab-separated lines (header first) and also given as `sheets`."""

    lines: list[str]
    format: str  # "txt", "md", "pdf", "docx", "html", "odt", "csv", "xlsx", "ods"
    pages: list[int] | None = None  # pages[i] is the 1-based page of lines[i]
    warnings: list[str] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)

    def page_of(self, line_no: int) -> int | None:
        """Page of a 1-based line number, or None for formats without pages."""
        if not self.pages or not 1 <= line_no <= len(self.pages):
            return None
        return self.pages[line_no - 1]


@dataclass(frozen=True)
class Provenance:
    doc: str
    line_start: int
    line_end: int
    quote: str
    page: int | None = None


@dataclass
class OrgMention:
    """An organisation named in a field, as written (cleaned of markup only)."""

    name: str
    line: int
    note: str | None = None  # e.g. "Sous action 1", "en lien avec", "Étape 2", "État"


@dataclass
class TerritoryMention:
    name: str
    line: int
    excluded: bool = False  # "hors agglomération d'Evreux"
    source: str = "field"  # "field" (perimeter field), "region-line", "text", "column" (a spreadsheet's)
    code: str | None = None  # an official code written beside the name (INSEE, SIREN), as written


@dataclass
class Contact:
    kind: str  # "email", "phone", "url"
    value: str
    line: int
    org: str | None = None
    person: str | None = None
    role: str | None = None


@dataclass
class Person:
    name: str
    line: int
    role: str | None = None
    org: str | None = None


@dataclass
class GlossaryEntry:
    acronym: str
    expansion: str
    line: int
    source: str = "glossary"  # "glossary" or "inline" ("Name (ACR)")


@dataclass
class MentionRecord:
    """A name found in an action's prose (spaCy + gazetteers, `ingest/mentions`), as written, with the role
    its sentence or layout gives it and the sentence as evidence. `graph` links it to an actor, a territory
    or a dispositif."""

    surface: str
    kind: str  # org, place, person, dispositif
    role: str  # pilot, partner, funder, operator, public, contact, mentioned; places: perimeter, mentioned
    quote: str  # the sentence (or CONTACTS entry) that names it, verbatim
    line: int
    confidence: float
    source: str  # gazetteer, ner, parse, layout
    block_kind: str  # title, description, contacts, keys...
    page: int | None = None
    key: str | None = None  # the gazetteer key that matched
    cue: str | None = None  # the role cue as written ("présidé par")
    function: str | None = None  # a person's function
    affiliation: str | None = None  # a person's organisation


# the fields a sentence can fill, with the (kind, role) of the mention that fills them
FILLED_BY_MENTIONS = {
    "pilots": ("org", "pilot"),
    "partners": ("org", "partner"),
    "funders": ("org", "funder"),
    "operators": ("org", "operator"),
    "perimeter": ("place", "perimeter"),
}


@dataclass
class Level:
    """A grouping level above an action as written: its kind ("axe", "sous_axe"...), its ref, its title."""

    kind: str
    title: str
    ref: str | None = None


@dataclass
class ActionRecord:
    doc: str
    ref: str | None
    title: str
    shape: str  # "fiche", "numbered", "blurb", "strategy", "sheet"
    provenance: Provenance
    chapter: str | None = None
    description: str = ""
    intitule: str | None = None
    pilots: list[OrgMention] = field(default_factory=list)
    partners: list[OrgMention] = field(default_factory=list)
    territories: list[TerritoryMention] = field(default_factory=list)
    perimeter: str | None = None
    budget: str | None = None
    calendar: str | None = None
    indicators: str | None = None
    expected_results: str | None = None
    duration: str | None = None
    observations: str | None = None
    steps: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    keys_to_success: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    region: str | None = None
    fields_missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    id: str = ""
    status: str | None = None  # normalised: "à venir", "en cours", "réalisé", "en pause", ...
    priority: str | None = None  # normalised: "élevée", "moyenne", "basse"
    levels: list[Level] = field(default_factory=list)  # the grouping levels above it, top first
    extra: dict[str, str] = field(default_factory=dict)  # labelled values with no field of their own
    mentions: list[MentionRecord] = field(default_factory=list)  # names found in the prose, with roles

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ActionRecord:
        """The record `to_dict` wrote (the store keeps records this way)."""
        nested = {
            "provenance": Provenance(**data["provenance"]),
            "pilots": [OrgMention(**o) for o in data.get("pilots", [])],
            "partners": [OrgMention(**o) for o in data.get("partners", [])],
            "territories": [TerritoryMention(**t) for t in data.get("territories", [])],
            "contacts": [Contact(**c) for c in data.get("contacts", [])],
            "people": [Person(**p) for p in data.get("people", [])],
            "levels": [Level(**lv) for lv in data.get("levels", [])],
            "extra": dict(data.get("extra", {})),
            "mentions": [MentionRecord(**m) for m in data.get("mentions", [])],
        }
        return cls(**{**data, **nested})

    @property
    def context(self) -> str:
        """The words that may spell out an acronym or a place of this action: intitulé, perimeter,
        description."""
        return " ".join(filter(None, (self.intitule, self.perimeter, self.description)))

    @property
    def missing(self) -> list[str]:
        """The fields the document gives no value for at all: `fields_missing` (what the shape found no row
        or line for) less the fields a sentence of the mentions pass fills ("pilotée par X" gives a pilot)
        and those filled since (the organisation of a booklet's CONTACTS block as its pilot)."""
        found = {(m.kind, m.role) for m in self.mentions}
        return [
            f
            for f in self.fields_missing
            if not (f in FILLED_BY_MENTIONS and FILLED_BY_MENTIONS[f] in found)
            and not (f in ("pilots", "partners") and getattr(self, f))
        ]


@dataclass
class DocumentRecord:
    id: str
    path: str
    sha256: str
    format: str
    title: str | None = None
    issuer: str | None = None
    kind: str | None = None
    region: str | None = None
    department: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    line_count: int = 0
    page_count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def file_name(self) -> str:
        """The file's name, what answers show of where a document came from (never the whole path)."""
        return PurePath(self.path).name

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentRecord:
        return cls(**data)


@dataclass(frozen=True)
class Passage:
    """A typed section that is not an action (édito, diagnostic, gouvernance, glossaire, annexe, sommaire…):
    kept for search, never exported as an action. Lines are 1-based and inclusive, the heading's included."""

    type: str
    heading: str
    line_start: int
    line_end: int


@dataclass
class TocAgreement:
    """A table of contents or summary table against the units found in the body: how many entries name a
    unit, how many of them a unit matches, which are in the contents only, which units in the body only."""

    source: str  # "contents" (title ... page lines) or "summary table" (numbered rows)
    line: int  # first line of the contents
    entries: int
    matched: int
    in_toc_not_found: list[str] = field(default_factory=list)
    found_not_in_toc: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParsedDocument:
    document: DocumentRecord
    actions: list[ActionRecord]
    glossary: list[GlossaryEntry] = field(default_factory=list)
    participants: list[OrgMention] = field(default_factory=list)
    toc_refs: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: LoadedText | None = None
    toc: TocAgreement | None = None  # the contents cross-checked against the body, when there are contents
