"""Document metadata as the text states it: title, issuer, kind, region/department, period."""

from __future__ import annotations

import re
from collections import Counter

from ingest.places import REGIONS, region_of
from ingest.records import DocumentRecord
from ingest.text import TOC_LINE, collapse, fold, is_upper_text, strip_heading

_GENERIC = {
    "avant-propos",
    "sommaire",
    "edito",
    "preambule",
    "introduction",
    "fiches actions",
    "table des matieres",
}
KINDS = (
    (r"pacte\s+territorial\s+(?:pour\s+l'|d')insertion|\bPTI\b", "PTI (pacte territorial pour l'insertion)"),
    (r"programme\s+d[ée]partemental\s+d'insertion|\bPDI\b", "PDI (programme départemental d'insertion)"),
    (
        r"pacte\s+r[ée]gional\s+d'investissement\s+dans\s+les\s+comp[ée]tences|\bPRIC\b",
        "PRIC (pacte régional d'investissement dans les compétences)",
    ),
    (r"tour\s+de\s+france\s+des\s+solutions|actions?\s+inspirantes|livret", "recueil d'actions"),
    (
        r"plan\s+local\s+pour\s+l['’]\s*insertion\s+et\s+l['’]\s*emploi|"
        r"programme\s+local\s+pour\s+l['’]\s*insertion|\bPLIE\b",
        "PLIE (plan local pour l'insertion et l'emploi)",
    ),
    (r"plan\s+r[ée]gional\s+d['’]\s*actions?", "plan régional d'actions"),
    (r"plan\s+d[ée]partemental\s+d['’]\s*actions?", "plan départemental d'actions"),
    (r"plan\s+d['’]\s*actions?", "plan d'actions"),
)
_ISSUER = re.compile(
    r"^(PR[ÉE]F(?:ET|ÈTE)\s+DE\s+LA\s+R[ÉE]GION(?:\s+[\w\s\-']+)?|R[ÉE]GION\s+[A-ZÉ][\w\-]+(?:\s+[\w\-]+)?|"
    r"Le\s+D[ée]partement\s+d[eu']\s*[\w\-' ]+|Conseil\s+(?:r[ée]gional|d[ée]partemental)\s+[\w\-' ]+)",
    re.I,
)
_OF_NAME = r"\s+(?:de\s+l['’]|de\s+la\s+|du\s+|des\s+|de\s+|d['’])([A-ZÉ][\w\-]+(?:-[\w\-]+)?)"
_DEPT = re.compile(r"\b(?i:d[ée]partement)" + _OF_NAME)
# an issuer that is a département's council names it: « Conseil départemental du Gers »
_DEPT_ISSUER = re.compile(r"\b(?i:d[ée]partement|conseil\s+d[ée]partemental|d[ée]partementale?)" + _OF_NAME)
_MONTH_YEAR = re.compile(
    r"\b(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\s+(20\d{2})\b",
    re.I,
)
_PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*[-–/]\s*((?:19|20)\d{2})\b")
_YEAR = re.compile(r"\b(20[0-4]\d)\b")


def describe(doc: DocumentRecord, lines: list[str], action_regions: list[str | None]) -> None:
    """Fill the record's metadata from the opening lines and the actions' regions."""
    head = [strip_heading(x) for x in lines[:80] if x.strip() and not TOC_LINE.search(x)]
    text_head = " ".join(head[:40])
    kind = next((label for pattern, label in KINDS if re.search(pattern, text_head, re.I)), None)
    doc.kind = kind
    issuer = _issuer(head)
    doc.issuer = issuer
    doc.title = _title(head, tuple(h for h in head[:15] if issuer and fold(h) in fold(issuer)))
    m = (_DEPT_ISSUER.search(issuer) if issuer else None) or _DEPT.search(text_head)
    doc.department = collapse(m.group(1)) if m else None
    doc.region = _region(head, action_regions) or doc.region
    if doc.region:
        doc.region = region_of(doc.region) or doc.region
    if period := _period(lines, text_head):
        doc.period_start, doc.period_end = period


def _issuer(head: list[str]) -> str | None:
    """The issuer named in the first heading lines, completed by the next line after a bare "RÉGION"."""
    for i, h in enumerate(head[:15]):
        if m := _ISSUER.match(h):
            issuer = collapse(m.group(1))
            if re.search(r"R[ÉE]GION$", issuer, re.I) and i + 1 < len(head) and is_upper_text(head[i + 1]):
                issuer = f"{issuer} {head[i + 1]}"  # "PRÉFET DE LA RÉGION" / "PAYS DE LA LOIRE"
            return issuer
    return None


def _region(head: list[str], action_regions: list[str | None]) -> str | None:
    """The region: "France" when the actions span three regions or more, else the first region the
    opening lines name, else the actions' most frequent region."""
    counts = Counter(r for r in action_regions if r)
    first_lines = fold(" ".join(head[:15]))
    positions = []
    for r in REGIONS:
        pattern = r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", fold(r)))
        m = re.search(r"\b" + pattern + r"\b", first_lines)
        if m:
            positions.append((m.start(), r))
    regions_in_head = [r for _, r in sorted(positions)]
    if len(counts) >= 3:
        return "France"
    if regions_in_head:
        return regions_in_head[0]
    if counts:
        return counts.most_common(1)[0][0]
    return None


def _period(lines: list[str], text_head: str) -> tuple[int, int] | None:
    """(start, end) years: a "2019-2022" span in the opening, else a month and year, else the most
    frequent year of the first lines."""
    period = _PERIOD.search(text_head)
    if period:
        return int(period.group(1)), int(period.group(2))
    if month := _MONTH_YEAR.search(" ".join(lines[:200])):
        return int(month.group(1)), int(month.group(1))
    years = [int(y) for y in _YEAR.findall(" ".join(lines[:120]))]
    if years:
        year = Counter(years).most_common(1)[0][0]
        return year, year
    return None


def _title(head: list[str], issuer_lines: tuple[str, ...] = ()) -> str | None:
    parts: list[str] = []
    for h in head[:12]:
        key = fold(h)
        if key in _GENERIC or _ISSUER.match(h) and not parts or h in issuer_lines:
            continue
        if not h[:1].isupper() or h.endswith(("-", ",")):
            break
        if len(h) > 120 or (parts and not is_upper_text(h) and len(parts) >= 1):
            break
        if len(h.split()) >= 2 and (is_upper_text(h) or not parts):
            parts.append(h)
        if len(parts) >= 2:
            break
    if parts and sum(len(p) for p in parts) > 8 and not all(len(p) < 4 for p in parts):
        return collapse(" — ".join(parts))
    named = next(
        (
            h
            for h in head[:40]
            if re.match(r"^(?:Plan|Pacte|Programme|Schéma|Stratégie)\b", h) and len(h) < 140
        ),
        None,
    )
    if named:
        return named
    quoted = re.search(r"«\s*([A-ZÉ][^»]{5,60}?)\s*»", " ".join(head[:40]))
    return quoted.group(1) if quoted else None
