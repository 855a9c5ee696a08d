"""Key/value fiche tables: rows 'label<TAB>value' (labels possibly wrapped in HTML), continued after page
breaks by rows with an empty label, titled by a numbered heading above or by the Intitulé row."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ingest.fields import contacts_in, figures_in
from ingest.labels import default_lexicon
from ingest.orgs import ASSOCIATED, split_orgs
from ingest.places import places_in_field
from ingest.records import ActionRecord
from ingest.shapes.context import Context, numbered_heading
from ingest.shapes.fiche_extra import EXTRA, extra_rows
from ingest.shapes.outline_words import structure
from ingest.text import TOC_LINE, collapse, fold, html_paragraphs, strip_heading, strip_markup

# canonical field -> label variants (folded: lowercase, no accents)
LABELS: dict[str, tuple[str, ...]] = {
    "intitule": (
        "intitule de l'action",
        "intitule du projet",
        "intitule de la fiche",
        "intitule",
        "titre de l'action",
    ),
    "pilots": (
        "pilote du projet",
        "pilotes du projet",
        "pilote de l'action",
        "pilotes",
        "pilote",
        "referents",
        "referent",
        "porteur du projet",
        "porteur de projet",
        "porteurs",
        "porteur",
        "co-pilotes",
    ),
    "perimeter": (
        "perimetre geographique",
        "perimetre",
        "territoires concernes",
        "territoire concerne",
        "territoire(s) concerne(s)",
        "territoires",
        "territoire",
    ),
    "description": (
        "description detaillee du projet",
        "description detaillee",
        "description du projet",
        "description de l'action",
        "description",
        "contenu de l'action",
        "objectifs",
    ),
    "calendar": (
        "calendrier previsionnel sur 18 mois",
        "calendrier previsionnel",
        "calendrier",
        "echeancier",
    ),
    "partners": (
        "autres parties prenantes",
        "parties prenantes",
        "partenaires associes",
        "partenaires",
        "partenariat",
    ),
    "budget": ("budget previsionnel", "budget", "financement", "cout"),
    "indicators": (
        "evaluation/indicateurs",
        "evaluation / indicateurs",
        "evaluation indicateurs",
        "indicateurs",
        "indicateurs d'evaluation",
        "evaluation",
    ),
    "expected_results": ("resultats attendus", "objectifs attendus"),
    "duration": ("duree de l'action", "duree de l action", "duree"),
    "observations": ("observations", "remarques"),
    "steps_header": ("etapes calendrier", "etapes"),
}
_VARIANTS = sorted(((v, k) for k, vs in LABELS.items() for v in vs), key=lambda x: -len(x[0]))
_STEP = re.compile(r"^etape\s*\d+\b")
_FICHE_LABEL = re.compile(r"^(fiche|proposition|action|mesure)\s*(?:n°\s*)?\d", re.I)
REQUIRED = ("pilots", "perimeter", "description", "calendar", "partners", "budget", "indicators")
_LABEL_LIKE = re.compile(r"^[^\W\d][^.!?]{1,58}[^.!?,;]$")
_MAX_LABEL_WORDS = 8


def label_of(cell: str) -> str | None:
    """Canonical field of a label cell, tolerant of markup, case, accents and small typos."""
    key = fold(cell).strip(" :")
    if not key or len(key) > 60:
        return None
    if _STEP.match(key):
        return "step"
    if _FICHE_LABEL.match(key):
        return "fiche_title"
    for variant, canon in _VARIANTS:
        if key == variant or (key.startswith(variant) and len(variant) >= 8):
            return canon
    best = difflib.get_close_matches(key, [v for v, _ in _VARIANTS], n=1, cutoff=0.85)
    return dict(_VARIANTS)[best[0]] if best else None


@dataclass
class _Row:
    line: int
    label: str | None  # canonical field, None for a continuation row
    raw_label: str
    value: str


@dataclass
class _Fiche:
    rows: list[_Row] = field(default_factory=list)

    def fields(self) -> set[str]:
        return {r.label for r in self.rows if r.label and r.label != EXTRA}


def _looks_like_label(cell: str) -> bool:
    """A short label cell ('Public visé', 'Statut'), not a sentence or a number."""
    text = strip_markup(cell)
    return bool(_LABEL_LIKE.match(text)) and len(text.split()) <= _MAX_LABEL_WORDS


def _row(line_no: int, line: str) -> _Row | None:
    if "\t" not in line or TOC_LINE.search(line):
        return None
    label_cell, _, value = line.partition("\t")
    if not strip_markup(label_cell):
        return _Row(line_no, None, "", value)
    canon = label_of(label_cell)
    if canon is None and _looks_like_label(label_cell):
        canon = EXTRA  # kept only inside a fiche (see _runs)
    return _Row(line_no, canon, strip_markup(label_cell), value) if canon else None


def _side_by_side(line: str) -> list[str] | None:
    """A row of label/value pairs side by side ("Porteur | X | Durée | Y"): one "label<TAB>value" line
    per pair; None for any other line."""
    cells = line.split("\t")
    if len(cells) < 4 or len(cells) % 2:
        return None
    labels = cells[0::2]
    if not all(label_of(c) or default_lexicon().match(strip_markup(c)) for c in labels):
        return None
    return [f"{label}\t{value}" for label, value in zip(labels, cells[1::2], strict=True)]


def _line_rows(line_no: int, line: str) -> list[_Row | None]:
    pairs = _side_by_side(line) if "\t" in line else None
    return [_row(line_no, pair) for pair in pairs] if pairs else [_row(line_no, line)]


def _header_row(row: _Row) -> bool:
    """A table's header row ("Intitulé | Contenu"): its value cell names a column, it holds no value."""
    return fold(strip_markup(row.value)).strip(" :") in structure().table_header_values


def _section_row(ctx: Context, i: int, line: str) -> bool:
    """A row across a fiche table ("Mise en œuvre", one merged cell) between two label/value rows: a
    sub-heading of the fiche, which goes on."""
    if "\t" in line or not _looks_like_label(line) or numbered_heading(line) or line.startswith("#"):
        return False
    before, after = ctx.line(i - 1) if i > 1 else "", ctx.line(i + 1) if i < len(ctx.lines) else ""
    return "\t" in before and "\t" in after and bool(label_of(after.partition("\t")[0]))


def _lexicon_row(row: _Row | None) -> bool:
    """A row this shape has no field for but the label lexicon knows ("Maître d'ouvrage")."""
    return row is not None and row.label == EXTRA and bool(default_lexicon().match(row.raw_label))


def _runs(ctx: Context) -> list[list[_Row]]:
    """Runs of label/value rows that start with a known label (rows the lexicon knows just above it are
    part of the run: a fiche table whose first row is "Maître d'ouvrage")."""
    runs: list[list[_Row]] = []
    current: list[_Row] = []
    lead: list[_Row] = []
    for i, line in enumerate(ctx.lines, start=1):
        for row in _line_rows(i, line):
            if row is not None and not current and _header_row(row):
                continue
            if not current and _lexicon_row(row):
                lead.append(row)
                continue
            if row is not None and row.label and row.label != EXTRA and not current:
                current, lead = [*lead, row], []
            elif row is not None and current:
                current.append(row)
            elif current and (not line.strip() or _section_row(ctx, i, line.strip())):
                continue
            elif current:
                runs.append(current)
                current = []
            elif not (lead and not line.strip() and "\t" in (ctx.line(i + 1) if i < len(ctx.lines) else "")):
                lead = []  # a blank line right before the next row (a grid table's rule) keeps the lead
    if current:
        runs.append(current)
    return runs


def _split_fiches(run: list[_Row]) -> list[_Fiche]:
    fiches: list[_Fiche] = []
    cur = _Fiche()
    for row in run:
        starts = row.label in ("intitule", "fiche_title")
        repeats = row.label in cur.fields() and row.label not in ("step", None)
        if cur.rows and (
            starts and ({"intitule", "fiche_title"} & cur.fields() or len(cur.fields()) >= 3) or repeats
        ):
            fiches.append(cur)
            cur = _Fiche()
        cur.rows.append(row)
    if cur.rows:
        fiches.append(cur)
    return [f for f in fiches if len(f.fields() - {"step", "steps_header"}) >= 3]


def _heading_above(ctx: Context, first_line: int, floor: int) -> tuple[int, str | None, str | None]:
    """The numbered heading just above a fiche: (line, ref, title)."""
    n, seen = first_line - 1, 0
    while n > floor and seen < 12:
        text = ctx.line(n)
        if text.strip():
            seen += 1
            h = numbered_heading(text)
            if h and not TOC_LINE.search(text):
                return n, f"{h[0]} {h[1]}", h[2] or None
        n -= 1
    return first_line, None, None


_CHAPTER = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?\s*(chantier\s*n°?\s*\d+|axe\s+[ivx\d]+\b.*|partie\s+[ivx\d]+\b.*)", re.I
)


def chapter_above(ctx: Context, line: int) -> str | None:
    """'Chantier n° 1 — Être au rendez-vous …' or 'AXE I - LEVER LES FREINS …' above `line`."""
    for n in range(line - 1, 0, -1):
        text = ctx.line(n)
        m = _CHAPTER.match(text.strip())
        if not m or TOC_LINE.search(text):
            continue
        head = strip_heading(text)
        if re.match(r"chantier", head, re.I):
            parts: list[str] = []
            for k in range(n + 1, min(n + 8, line)):
                sub = ctx.line(k).strip()
                if not sub:
                    continue
                if numbered_heading(sub) or len(sub) > 160:
                    break
                text = strip_heading(sub)
                if parts and not (text[:1].islower() or text.startswith("(")):
                    break
                parts.append(text)
            return f"{head} — {' '.join(parts)}" if parts else head
        return head
    return None


def _context_before(ctx: Context, heading_line: int, floor: int) -> tuple[int, str]:
    """A 'Constats …' paragraph placed just above the fiche (the problem it answers)."""
    for n in range(heading_line - 1, max(floor, heading_line - 8), -1):
        text = ctx.line(n).strip()
        if text.lower().startswith("constats"):
            return n, strip_markup(text)
    return heading_line, ""


def detect(ctx: Context) -> list[ActionRecord]:
    actions: list[ActionRecord] = []
    floor = 0
    for run in _runs(ctx):
        for fiche in _split_fiches(run):
            actions.append(_build(ctx, fiche, floor))
            floor = fiche.rows[-1].line
    return actions


def _join_rows(fiche: _Fiche) -> tuple[dict[str, list[str]], dict[str, int], list[str]]:
    """Values by field (an extra row under "extra:<label>"), the line of each field, the steps."""
    values: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    steps: list[str] = []
    last = None
    for row in fiche.rows:
        if row.label == EXTRA:
            last = f"{EXTRA}:{row.raw_label}"
            values.setdefault(last, []).extend(html_paragraphs(row.value))
            lines.setdefault(last, row.line)
        elif row.label == "step":
            steps.append(f"{row.raw_label} : {' '.join(html_paragraphs(row.value))}")
            last = "step"
        elif row.label in (None,) and last == "step" and steps:
            steps[-1] += " " + " ".join(html_paragraphs(row.value))
        elif row.label is None:
            if last:
                values.setdefault(last, []).extend(html_paragraphs(row.value))
        elif row.label != "steps_header":
            values.setdefault(row.label, []).extend(html_paragraphs(row.value))
            lines.setdefault(row.label, row.line)
            last = row.label
    return values, lines, steps


def _build(ctx: Context, fiche: _Fiche, floor: int) -> ActionRecord:
    first, last = fiche.rows[0].line, fiche.rows[-1].line
    values, lines, steps = _join_rows(fiche)
    head_line, ref, title = _heading_above(ctx, first, floor)
    title_row = next((r for r in fiche.rows if r.label == "fiche_title"), None)
    intitule = values.get("intitule", [])
    if intitule and not title_row and (h := numbered_heading(intitule[0])):
        ref, title = ref or f"{h[0]} {h[1]}", title or h[2]
        intitule = [h[2], *intitule[1:]]
    if title_row and (h := numbered_heading(title_row.raw_label)):
        ref, title = ref or f"{h[0]} {h[1]}", title or h[2]
    start, constats = _context_before(ctx, head_line, floor)
    warnings = []
    if not title:
        title = intitule[0] if intitule else None
    if not title:
        title = f"Fiche sans intitulé (ligne {first})"
        warnings.append(f"line {first}: fiche has neither a heading nor an Intitulé row")
    known = ctx.known_acronyms
    pilots, people = split_orgs(values.get("pilots", []), lines.get("pilots", first), known)
    partners, people2 = split_orgs(values.get("partners", []), lines.get("partners", first), known)
    # "X en lien avec Y" in the pilot cell: Y is associated (a partner), not a pilot
    partners = [o for o in pilots if o.note == ASSOCIATED] + partners
    pilots = [o for o in pilots if o.note != ASSOCIATED]
    perimeter = " / ".join(values.get("perimeter", [])) or None
    territories = (
        places_in_field(perimeter or "", lines.get("perimeter", first), ctx.gazetteer) if perimeter else []
    )
    description_parts = [*intitule[1:], *values.get("description", [])]
    if not description_parts:
        description_parts = [*values.get("expected_results", []), *steps]
    if constats:
        description_parts.insert(0, constats)
    text_all = " ".join(strip_markup(ctx.line(n)) for n in range(start, last + 1))
    action = ActionRecord(
        doc=ctx.doc_id,
        ref=ref,
        title=collapse(strip_heading(title)),
        shape="fiche",
        provenance=ctx.provenance(start, last),
        chapter=chapter_above(ctx, start),
        description="\n".join(description_parts),
        intitule=" — ".join(intitule) or None,
        pilots=pilots,
        partners=partners,
        territories=territories,
        perimeter=perimeter,
        budget=" ".join(values.get("budget", [])) or None,
        calendar=" ".join(values.get("calendar", []))
        or ("; ".join(s.split(" : ")[0] for s in steps) or None),
        indicators=" ".join(values.get("indicators", [])) or None,
        expected_results=" ".join(values.get("expected_results", [])) or None,
        duration=" ".join(values.get("duration", [])) or None,
        observations=" ".join(values.get("observations", [])) or None,
        steps=steps,
        contacts=contacts_in(text_all, first),
        people=people + people2,
        figures=figures_in(" ".join(values.get("description", []))),
        region=ctx.region,
        warnings=warnings,
    )
    present = {k for k, v in values.items() if any(x.strip(" /-") for x in v)}
    if steps:
        present |= {"calendar"}
    if "expected_results" in present:
        present |= {"description", "indicators"}
    action.fields_missing = [f for f in REQUIRED if f not in present]
    extra_rows(action, values, lines)
    return action
