"""Split pilot / partner fields into organisations as written.

Fields arrive as lists of paragraphs (table-cell paragraphs, list items). Organisations are separated by
commas, dashes, slashes, "et", "puis", relation phrases ("en lien avec"), and — where a PDF joined two cells —
by nothing but a space ("ARML CAP EMPLOI"). Acronyms known from the document's own glossary, plus a short
list of common ones, tell where such glued names split.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.names import NAMES
from ingest.records import OrgMention, Person
from ingest.text import collapse, fold, strip_markup

# Acronyms common in these plans; a document's glossary adds its own.
COMMON_ACRONYMS = frozenset(NAMES["common_acronyms"])
# Structures whose name is followed by a qualifier (a territory or a number): "PLIE CASE", "CAF 27".
QUALIFIABLE = frozenset(NAMES["qualifiable"])
# Multi-token names that look like two acronyms glued together but are one organisation.
COMPOUNDS = tuple(fold(x) for x in NAMES["compound_names"])
COMPOUND_SET = frozenset(COMPOUNDS)
_RELATIONS = re.compile(
    r"\s*(?:\(|\b)(?:en\s+liaison\s+(?:étroite\s+)?avec|en\s+lien\s+(?:étroit\s+)?avec|avec\s+l'appui\s+de|"
    r"à\s+travers|associant|dont|puis|ou)\b\s*",
    re.I,
)
_SUB_ACTION = re.compile(r"(?<!\()((?:sous[- ]?actions?|étape|etape)\s*\d+)\s*:?\s*(?!\))", re.I)
_SEPARATORS = re.compile(r"\s*(?:[,;+•▪]|\s[-–—]\s|\s[-–—](?=[A-ZÉ])|(?<=\w)\s*[-–—]\s*$)\s*")
_ET = re.compile(r"\s+(?:et|&)\s+(?!(?:de|d'|du|des|à|aux|la\s+formation)\b)", re.I)
_JOINED_BY_ET = tuple(
    re.compile(r"\b" + r"\s+".join(re.escape(w) for w in fold(phrase).split()) + r"\b")
    for phrase in NAMES["joined_by_et"]
)
_HIDE_ET, _SHOW_ET = str.maketrans("eEtT", "\x01\x02\x03\x04"), str.maketrans("\x01\x02\x03\x04", "eEtT")
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_PERSON = re.compile(
    r"\b(?!(?:Le|La|Les|Du|De|Des|Club|Union|Pôle|Pole|Conseil|Région|Réseau)\b)([A-ZÉÈ][a-zéèëïô]+(?:-[A-ZÉ][a-zéèëô]+)?)\s+([A-ZÉÈÀ][A-ZÉÈÀ'\-]{2,}(?:\s+[A-ZÉÈ][A-ZÉÈ'\-]{2,})?)\b"
)
_ROLE_WORDS = frozenset(
    ["directrice", "directeur", "président", "présidente", "préfet", "préfète", "chef", "responsable"]
)
_ARTICLE = re.compile(r"^(?:l'|l’|L'|L’|la\s+|le\s+|les\s+|un\s+|une\s+|des\s+)")
_GENERIC_LEAD = re.compile(
    r"^(?:\d+\s+pilotes?\s+(?:par|désignés?\s+dans)\s+(?:chaque\s+)?|les\s+\d+\s+|entreprises\s+(?=(?-i:[A-Z])))",
    re.I,
)
_TRAILING_CLAUSE = re.compile(
    r"\s+(?:s'inscrivant|s’inscrivant|désignée?s?|volontaires?|pour\s+la\s+phase|«\s*hébergeur\s*»|hébergeur)\b.*$",
    re.I,
)
_NOISE = re.compile(r"^(?:etc\.?|\.{2,}|…|divers|/|-|néant|autres?|ou\s+autres?|tout\s+autre|op)$", re.I)
# Head nouns that start an organisation name inside a run of names a PDF glued together.
_HEADS = frozenset(
    [
        "Agence",
        "Association",
        "Banque",
        "Cap",
        "Caisse",
        "Chambre",
        "Comité",
        "Conseil",
        "Conservatoire",
        "Croix",
        "Direction",
        "Fédération",
        "Filière",
        "Groupement",
        "Ligue",
        "Maison",
        "Mission",
        "Missions",
        "Mouvement",
        "Parlementaires",
        "Pôle",
        "Ports",
        "Rectorat",
        "Union",
        "Région",
        "Acteurs",
        "Préfecture",
        "Communauté",
        "Syndicat",
        "Institut",
        "Observatoire",
        "Office",
        "Réseau",
    ]
)
_CONNECT = frozenset(
    [
        "de",
        "du",
        "des",
        "d'",
        "l'",
        "la",
        "le",
        "les",
        "et",
        "pour",
        "en",
        "à",
        "aux",
        "+",
        "–",
        "-",
        "/",
        "&",
    ]
)


def _is_acronym(token: str, known: frozenset[str]) -> bool:
    bare = token.strip(".,;:()").upper()
    if not bare or not any(c.isalpha() for c in bare):
        return False
    if bare in known:
        return True
    return token.isupper() and 2 <= len(bare) <= 4 and "'" not in bare and "’" not in bare


def _split_glued(name: str, known: frozenset[str]) -> list[str]:
    """'ARML CAP EMPLOI' -> ['ARML', 'CAP EMPLOI']; 'PLIE PAN' stays whole;
    'X (note) Y' -> ['X (note)', 'Y']."""
    m = re.match(r"^(.*?\([^()]*\))\s+([A-ZÉÈ].*)$", name)
    if m:
        return _split_glued(m.group(1), known) + _split_glued(m.group(2), known)
    if fold(name) in COMPOUND_SET:
        return [name]
    tokens = name.split()
    if len(tokens) < 2:
        return [name]
    head = tokens[0]
    if "/" in head:  # 'ÉTAT/DIRECCTE' + a name: the slash compound is one name
        first = head
        rest = tokens[1:]
    elif _is_acronym(head, known) and head.isupper():
        first, rest = head, tokens[1:]
        if (
            head.upper().strip(".") in QUALIFIABLE
            and rest
            and (rest[0].isdigit() or _is_acronym(rest[0], known))
            or rest
            and rest[0].isdigit()
        ):
            first, rest = f"{head} {rest[0]}", rest[1:]
    else:
        return [name]
    if not rest:
        return [first]
    remainder = " ".join(rest)
    whole, tail = fold(f"{first} {remainder}"), fold(remainder)
    starts_new = (
        (_is_acronym(rest[0], known) and rest[0].isupper() and whole not in COMPOUND_SET)
        or "/" in rest[0]
        or tail.startswith(COMPOUNDS)
    )
    if whole in COMPOUND_SET or whole.startswith(COMPOUNDS):
        return [name]
    if starts_new:
        return [first] + _split_glued(remainder, known)
    return [name]


def _clean(name: str) -> tuple[str, str | None]:
    """Trim articles, filler and notes; return (name, note)."""
    note = None
    name = collapse(name.strip(" .:;,-–—«»\"'"))
    name = _GENERIC_LEAD.sub("", name)
    m = _TRAILING_CLAUSE.search(name)
    if m:
        note = m.group(0).strip()
        name = name[: m.start()]
    name = _ARTICLE.sub("", name).strip(" .:;,-–—«»")
    if name.count("(") != name.count(")"):
        name = name.strip("()")
    name = re.sub(
        r"^(?:notamment|dont|appui\s+d[eu]s?|lien\s+avec)\s+(?:le\s+|la\s+|les\s+|l')?", "", name, flags=re.I
    )
    if ":" in name:  # "Acteurs territoriaux : consulaires" -> the named part
        category, _, rest = name.partition(":")
        if rest.strip():
            note, name = note or collapse(category), collapse(rest)
    if name.startswith("association ") and len(name.split()) >= 2:
        name = name[len("association ") :]
    return collapse(name), note


def _paren_parts(segment: str) -> tuple[str, list[str], list[str]]:
    """Pull parentheticals out: list members '(CAPEB, FFB et UNICEM)' become orgs, others notes."""
    members: list[str] = []
    notes: list[str] = []

    def repl(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        parts = [p.strip(" .…") for p in re.split(r"\s*[,/;]+\s*|\s+et\s+", inner) if p.strip(" .…")]
        if (
            len(parts) >= 2
            and sum(p.isupper() or p[:1].isupper() for p in parts) >= len(parts) - 1
            and all(len(p.split()) <= 4 for p in parts)
        ):
            members.extend(parts)
            return ""
        letters = [c for c in inner if c.isalpha()]
        if inner.isupper() and 2 <= len(letters) <= 10 and " " not in inner:
            return f" ({inner})"  # an acronym: keep it in the name
        notes.append(inner)
        return ""

    rest = _PAREN.sub(repl, segment)
    return rest, members, notes


_GOVERNANCE = re.compile(
    r"^dans\s+le\s+cadre\s+.*?\b(?:pilotée?|portée?)\s+par\s+(?:le\s+|la\s+|l')?(.+)$", re.I
)
_PURPOSE = re.compile(r"\s+pour\s+la\s+phase\s+.*?(?=\d+\s+pilotes?\b|$)", re.I)
_BRANCH_PILOTS = re.compile(r"^\d+\s+pilotes?\s+(?:par|désignés?\s+dans)\s+(?:chaque\s+)?branche", re.I)


def _depth0_split(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split on a pattern, but never inside parentheses or guillemets."""
    return _depth0_split_seps(text, pattern)[0]


def _depth0_split_seps(text: str, pattern: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """The parts, and the separators found between them (len(parts) == len(separators) + 1)."""
    out, seps, buf, depth, i = [], [], [], 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "(«":
            depth += 1
        elif ch in ")»":
            depth = max(0, depth - 1)
        if depth == 0:
            m = pattern.match(text, i)
            if m and m.end() > i:
                out.append("".join(buf))
                seps.append(m.group(0))
                buf = []
                i = m.end()
                continue
        buf.append(ch)
        i += 1
    out.append("".join(buf))
    return out, seps


def is_expansion(acronym: str, text: str) -> bool:
    """True when `text` spells `acronym` with word prefixes:
    REGAL = Réseau pour Éviter le Gaspillage ALimentaire."""
    letters = fold(acronym).replace(" ", "").replace("-", "")
    words = [w for w in re.split(r"[\s'\-]+", fold(text)) if w]
    if not letters.isalpha() or len(letters) < 2 or not words:
        return False

    def match(li: int, wi: int) -> bool:
        if li == len(letters):
            return True
        for w in range(wi, len(words)):
            word = words[w]
            n = 0
            while n < min(len(word), 2) and li + n < len(letters) and word[n] == letters[li + n]:
                n += 1
                if match(li + n, w + 1):
                    return True
            if w == wi and word[:1] == letters[li : li + 1] and len(word) > 3 and w > wi + 3:
                return False
        return False

    return words[0][:1] == letters[0] and match(0, 0)


_PHRASE = re.compile(r"[A-ZÉ][\w'’\-]*(?:\s+(?:(?:de|du|des|d'|l'|la|le|pour)\s*)*[A-ZÉ][\w'’\-]*)+")


def spelled_in(acronym: str, context: str) -> list[str]:
    """Phrases of `context` whose words spell `acronym`, best first
    ('MRN' <- 'Métropole de Rouen Normandie')."""
    found = []
    for m in _PHRASE.finditer(context):
        words = m.group(0).split()
        for i in range(len(words)):
            phrase = " ".join(words[i:])
            if phrase[:1].isupper() and is_expansion(acronym, phrase):
                found.append(phrase)
                break
    return found


class _Collector:
    def __init__(self, line: int, known: frozenset[str]):
        self.line = line
        self.known = known
        self.orgs: list[OrgMention] = []
        self.people: list[Person] = []
        self.pending: list[Person] = []

    def add_org(self, name: str, note: str | None) -> None:
        if self.orgs and is_expansion(self.orgs[-1].name, name):
            self.orgs[-1].note = self.orgs[-1].note or name
            return
        self.orgs.append(OrgMention(name, self.line, note))
        for p in self.pending:
            p.org = name
        self.pending = []

    def add_person(self, name: str, role: str | None = None) -> None:
        person = Person(name=name, role=role, line=self.line)
        self.people.append(person)
        self.pending.append(person)


def split_orgs(
    paragraphs: Iterable[str], line: int, known: frozenset[str] = frozenset()
) -> tuple[list[OrgMention], list[Person]]:
    """Organisations (and people) named in a pilot or partner field, as written."""
    col = _Collector(line, COMMON_ACRONYMS | known)
    for para in paragraphs:
        text = strip_markup(para)
        pieces = _SUB_ACTION.split(text)  # "Sous action 1 : A, B Sous action 2 : C"
        chunks: list[tuple[str | None, str]] = [(None, pieces[0])]
        for i in range(1, len(pieces) - 1, 2):
            chunks.append((collapse(pieces[i]), pieces[i + 1]))
        for sub_note, chunk in chunks:
            _split_chunk(chunk, sub_note, col)
    seen: set[str] = set()
    unique = []
    for o in col.orgs:
        key = fold(o.name) + "|" + (o.note or "")
        if key not in seen:
            seen.add(key)
            unique.append(o)
    return unique, col.people


ASSOCIATED = "en lien avec"  # the note of organisations associated to a pilot, not piloting themselves


def _relation_note(sep: str) -> str:
    word = fold(sep).strip(" (")
    if word.startswith(("en liaison", "en lien", "avec l'appui", "associant")):
        return ASSOCIATED
    return {"a travers": "via", "dont": "dont", "puis": "puis", "ou": "ou"}.get(word, word)


def _split_chunk(chunk: str, sub_note: str | None, col: _Collector) -> None:
    gov = _GOVERNANCE.match(collapse(chunk))
    if gov:
        chunk, sub_note = gov.group(1), sub_note or "gouvernance"
    chunk = _PURPOSE.sub(", ", chunk)
    parts, seps = _depth0_split_seps(chunk, _RELATIONS)
    for idx, rel in enumerate(parts):
        rel = rel.strip().strip("()") if idx > 0 and rel.strip().endswith(")") and "(" not in rel else rel
        note = sub_note or (_relation_note(seps[idx - 1]) if idx > 0 else None)
        for seg in _rejoin_continuations(_depth0_split(rel, _SEPARATORS)):
            for seg2 in _split_et(seg):
                _add_segment(seg2, note, col)


def _split_et(segment: str) -> list[str]:
    """Cut at "et" between two names, not at an "et" inside one (`joined_by_et`: "sociale et solidaire")."""
    segment = segment.strip()
    folded = fold(segment)
    if " et " not in folded or len(folded) != len(segment):
        return _depth0_split(segment, _ET)
    hidden = segment
    for pattern in _JOINED_BY_ET:
        for m in pattern.finditer(folded):
            for k in re.finditer(r"\bet\b", m.group(0)):
                at = m.start() + k.start()
                hidden = hidden[:at] + hidden[at : at + 2].translate(_HIDE_ET) + hidden[at + 2 :]
    parts = [part.translate(_SHOW_ET) for part in _depth0_split(hidden, _ET)]
    return _rejoin_upper_et(parts) if segment.isupper() and len(parts) > 1 else parts


_HEADS_FOLDED = frozenset(fold(h) for h in _HEADS) | {
    "la",
    "le",
    "les",
    "l'",
    "departement",
    "ville",
    "commune",
    "etat",
    "metropole",
    "agglomeration",
    "collectivite",
    "centre",
    "ecole",
    "lycee",
    "entreprise",
    "entreprises",
    "groupe",
    "services",
    "service",
}


def _rejoin_upper_et(parts: list[str]) -> list[str]:
    """A field in capitals: "ET" starts a new name only before an acronym, an organisation head word or an
    article ("CCI ET CMA", "POLE EMPLOI ET MISSION LOCALE"); otherwise it is inside one ("ASSOCIATION ROUTES
    ET CHEMINS DE L'EMPLOI")."""
    out = [parts[0]]
    for part in parts[1:]:
        first = part.split()[0] if part.split() else ""
        if first in COMMON_ACRONYMS or len(first) <= 5 or fold(first) in _HEADS_FOLDED:
            out.append(part)
        else:
            out[-1] = f"{out[-1].rstrip()} ET {part.lstrip()}"
    return out


_CONTINUATION = re.compile(r"^(?:de l['’]|de la |du |de )")  # lower case: the rest of the name before


def _rejoin_continuations(segments: list[str]) -> list[str]:
    """A comma inside a name: "Direction régionale de l'économie, de l'emploi, du travail…" is one name, as a
    new name never starts with a lower-case "de", "du", "de la"."""
    out: list[str] = []
    for seg in segments:
        if out and _CONTINUATION.match(seg.strip()):
            out[-1] = f"{out[-1]}, {seg.strip()}"
        else:
            out.append(seg)
    return out


def split_run(text: str, known: frozenset[str] = COMMON_ACRONYMS) -> list[str]:
    """A run of organisation names glued without separators ('Conseil Régional Direccte Pôle Emploi'),
    cut before each head noun ('Conseil', 'Agence', …) or known acronym that follows a complete name."""
    tokens = text.split()
    items: list[list[str]] = []
    depth, open_for = 0, 0
    for tok in tokens:
        prev = items[-1][-1] if items and items[-1] else None
        pair = fold(f"{prev} {tok}") if prev is not None else ""
        compound = prev is not None and any(c.startswith(pair) for c in COMPOUNDS)
        starts = (
            prev is not None
            and depth == 0
            and not tok.startswith("(")
            and prev.lower() not in _CONNECT
            and not prev.endswith("'")
            and not compound
            and (
                tok in _HEADS
                or (tok.strip("(),").upper() in known and tok[:1].isupper())
                or (tok.isupper() and len(tok) >= 3 and sum(c.isalpha() for c in tok) >= 2)
            )
        )
        if not items or starts:
            items.append([])
        items[-1].append(tok)
        depth += tok.count("(") - tok.count(")")
        open_for = open_for + 1 if depth > 0 else 0
        if open_for > 12:  # a parenthesis the text never closes
            depth, open_for = 0, 0
    return [" ".join(i) for i in items]


def _add_segment(seg: str, note: str | None, col: _Collector) -> None:
    seg = collapse(seg)
    if not seg or _NOISE.match(seg) or _add_run(seg, note, col):
        return
    if _BRANCH_PILOTS.match(seg):
        col.add_org("branches professionnelles", seg)
        return
    person = _PERSON.search(seg)
    if person:
        _add_with_person(seg, person, note, col)
        return
    if fold(seg) in _ROLE_WORDS:
        col.add_person("", role=seg)
        return
    for part in _split_glued(seg, col.known):
        _add_part(part, note, col)


def _add_run(seg: str, note: str | None, col: _Collector) -> bool:
    """Add a long segment of three names or more glued without separators; False when it is not one."""
    if len(seg.split()) < 5 or "(" in seg:
        return False
    parts = split_run(re.sub(r"^(?:institutionnels|acteurs\s+territoriaux)\s+(?=[A-ZÉ])", "", seg), col.known)
    if len(parts) < 3:
        return False
    for part in parts:
        _add_segment(part, note, col)
    return True


def _add_with_person(seg: str, person: re.Match[str], note: str | None, col: _Collector) -> None:
    """A segment naming a person: the person, and the organisations written before and after."""
    before, after = collapse(seg[: person.start()]), collapse(seg[person.end() :])
    if before:
        _add_segment(before, note, col)
    col.add_person(f"{person.group(1)} {person.group(2)}")
    if after:
        _add_segment(after, note, col)


def _add_part(part: str, note: str | None, col: _Collector) -> None:
    """One organisation name (with its parenthesised members and notes); "ÉTAT/X" is X noted État,
    "A/B" (not a known compound) two organisations."""
    part_note = note
    if re.match(r"^(?:ÉTAT|ETAT|État|Etat)\s*/\s*", part):
        part = re.sub(r"^(?:ÉTAT|ETAT|État|Etat)\s*/\s*", "", part)
        part_note = "État"
    elif "/" in part and fold(part) not in COMPOUNDS and "(" not in part:
        for p in part.split("/"):
            _add_segment(p, note, col)
        return
    rest, members, notes = _paren_parts(part)
    name, clause = _clean(rest)
    if name and not _NOISE.match(name) and len(name) >= 2:
        col.add_org(name, part_note or (notes[0] if notes else None) or clause)
    for member in members:
        col.add_org(member, name or part_note)
