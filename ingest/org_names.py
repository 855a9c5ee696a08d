"""Where one organisation's name ends and the next begins in a field: names glued by a PDF ("ARML CAP
EMPLOI", "Conseil Régional Direccte Pôle Emploi"), « et » between two names or inside one (`joined_by_et`,
a field in capitals), a comma inside one ("Direction régionale de l'économie, de l'emploi, …"). Used by
ingest/orgs.py; the words are data (ingest/data/names.toml, the organisation heads of role_cues.toml)."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from ingest.names import DATA_FILE, NAMES
from ingest.text import fold

# Acronyms common in these plans; a document's glossary adds its own.
COMMON_ACRONYMS = frozenset(NAMES["common_acronyms"])
# Structures whose name is followed by a qualifier (a territory or a number): "PLIE CASE", "CAF 27".
QUALIFIABLE = frozenset(NAMES["qualifiable"])
# Multi-token names that look like two acronyms glued together but are one organisation.
COMPOUNDS = tuple(fold(x) for x in NAMES["compound_names"])
COMPOUND_SET = frozenset(COMPOUNDS)


@lru_cache(maxsize=1)
def organisation_heads() -> frozenset[str]:
    """The organisation head words of the mentions pass (`[organisations]` heads, glossary_heads and
    territory_heads of ingest/data/role_cues.toml), folded."""
    with open(DATA_FILE.parent / "role_cues.toml", "rb") as fh:
        orgs = tomllib.load(fh)["organisations"]
    words = [*orgs["heads"], *orgs.get("glossary_heads", []), *orgs.get("territory_heads", [])]
    return frozenset(fold(w) for w in words)


@lru_cache(maxsize=1)
def person_words() -> tuple[tuple[str, ...], frozenset[str]]:
    """A person's function words, longest first, and civilities (`[persons]` of ingest/data/role_cues.toml),
    folded: a field's « M. X », « chargée de mission au Département » is a person, not an organisation."""
    with open(DATA_FILE.parent / "role_cues.toml", "rb") as fh:
        persons = tomllib.load(fh)["persons"]
    titles = sorted({fold(t) for t in persons["titles"]}, key=lambda t: -len(t))
    return tuple(titles), frozenset(fold(c) for c in persons["civilities"])


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


_ET = re.compile(r"\s+(?:et|&)\s+(?!(?:de|d'|d’|du|des|à|aux|la\s+formation)\b)", re.I)


_JOINED_BY_ET = tuple(
    re.compile(r"\b" + r"\s+".join(re.escape(w) for w in fold(phrase).split()) + r"\b")
    for phrase in NAMES["joined_by_et"]
)


_HIDE_ET, _SHOW_ET = str.maketrans("eEtT", "\x01\x02\x03\x04"), str.maketrans("\x01\x02\x03\x04", "eEtT")


# Head nouns that start an organisation name inside a run of names a PDF glued together (data: names.toml).
_HEADS = frozenset(NAMES["run_heads"])
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
    if len(parts) > 1 and segment.isupper():
        return _rejoin_upper_et(parts)
    return _rejoin_lower_et(parts) if len(parts) > 1 else parts


_DETERMINERS = frozenset(
    "le la les l un une des ses son sa leurs leur ces tous toutes tout toute autres d autre nos votre".split()  # noqa: SIM905
)
_COMPLEMENT = frozenset({"de", "du", "des", "d"})


def _singular_word(word: str) -> bool:
    return word.isalpha() and word.islower() and not word.endswith(("s", "x")) and word not in _DETERMINERS


def _closes_named(before: list[str], after: list[str]) -> bool:
    """« Association Cycles et solidarité »: an organisation head, a capitalised word of its own name, then
    « et » and one last lower-case word that is no organisation head (« solidarité », not « région »)."""
    return (
        len(before) >= 2
        and len(after) == 1
        and fold(before[0]) in organisation_heads()
        and before[-1][:1].isupper()
        and not before[-1].isupper()
        and fold(after[0]) not in _HEADS_FOLDED
    )


def _rejoin_lower_et(parts: list[str]) -> list[str]:
    """« et » between two lower-case words inside one name: a name that starts with a singular head and ends
    with a lower-case word, then one singular lower-case word (with its « de … » complement) after « et », is
    one name (« Protection maternelle et infantile », « Comité départemental olympique et sportif de la X »,
    « Centre de ressources handicap et formation »). A plural after « et » is another actor (« Pôle emploi et
    partenaires », « Conseil départemental et communes »), as is a capital, an acronym or a determiner."""
    out = [parts[0]]
    for part in parts[1:]:
        before, after = out[-1].split(), part.split()
        words = [w.replace("'", " ").replace("’", " ").split()[0] for w in after[:2] if w.strip("'’")]
        joins = (
            bool(before)
            and bool(words)
            and before[0][:1].isupper()
            and not before[0].endswith(("s", "x"))
            and (_singular_word(before[-1]) or _closes_named(before, after))
            and _singular_word(words[0])
            and (len(after) == 1 or words[1:2] and words[1] in _COMPLEMENT)
        )
        if joins:
            out[-1] = f"{out[-1].rstrip()} et {part.lstrip()}"
        else:
            out.append(part)
    return out


# Words that start an organisation's name after « ET » in a field in capitals: the articles, the run heads,
# the organisation heads of the mentions pass (ingest/data/role_cues.toml) and a few more (names.toml).
_HEADS_FOLDED = (
    frozenset({"la", "le", "les", "l'"})
    | frozenset(fold(h) for h in _HEADS)
    | organisation_heads()
    | frozenset(fold(h) for h in NAMES["field_heads"])
)


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


_CONTINUATION = re.compile(r"^(?:de l['’]|de la |du |de |d['’](?!autres\b))")  # lower case: the name goes on


def _rejoin_continuations(segments: list[str]) -> list[str]:
    """A comma inside a name: "Direction régionale de l'économie, de l'emploi, du travail…" is one name, as a
    new name never starts with a lower-case "de", "du", "de la", "d'" (« Conseil d'architecture, d'urbanisme
    et de l'environnement »)."""
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
