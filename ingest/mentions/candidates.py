"""Candidate mentions in a parsed doc: gazetteer matches first, then what the NER and the parse add.

Precedence where spans overlap: a gazetteer organisation, person or dispositif wins; a gazetteer place inside
a longer organisation ("Mission locale du Bessin", "CCI Bretagne") becomes that organisation's territory;
otherwise the longest span wins. Persons are a layer of their own: a person's function ("directrice de la
mission locale") may contain an organisation, and both are kept.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ingest.mentions.candidate import Candidate
from ingest.mentions.cues import Lexicon
from ingest.mentions.gazetteer import NUMBER_ARTICLES, Gazetteer, GazetteerMatch, is_acronym
from ingest.mentions.name_ends import capitalised_name_end, proper_name_end, quoted_name_end
from ingest.mentions.normalize import fold
from ingest.mentions.persons import persons as _persons
from ingest.mentions.persons import title_words as _title_words
from ingest.names import NEIGHBOURHOOD_BEFORE

_CASE_WORDS = frozenset({"de", "du", "des", "d'", "la", "l'", "le"})
_ARTICLES = frozenset({"la", "le", "les", "l'", "un", "une"})  # "et la CCI": another organisation
_CUT_DEPS = frozenset({"conj", "cc", "punct", "acl", "acl:relcl", "advcl", "appos", "parataxis", "dep"})
_OF = frozenset({"de", "du", "des", "d'"})  # "et de la Souveraineté alimentaire" goes on, "et par le" not
_LEVEL_WORDS = frozenset({"region", "departement"})
_TRAILING = frozenset({"et", "ou", ",", "de", "du", "des", "d'", "la", "le", "les", "l'", "-", "–"})


def find_candidates(
    doc,
    gazetteer: Gazetteer | None,
    lexicon: Lexicon,
    original: str | None,
    cue_starts: frozenset[int] = frozenset(),
    cue_ends: frozenset[int] = frozenset(),
) -> list[Candidate]:
    """Organisations, places and dispositifs (non-overlapping) plus persons, in text order. `cue_starts`:
    the tokens where a role cue starts (no organisation phrase runs over one); `cue_ends`: where one that
    governs the organisation after it ends."""
    known = [_from_match(m) for m in gazetteer.match(doc, original)] if gazetteer else []
    known = [k for k in known if not _bare_number(doc, k) or _numbered_place(doc, k)]
    known = _collectivities(doc, _attach_territories(doc, _own_names(doc, known, lexicon)), lexicon)
    members = _members(doc, lexicon)
    if members:
        known = sorted(
            [k for k in known if not any(k.overlaps(m) for m in members)] + members, key=lambda c: c.start
        )
    others = _ner(doc, lexicon) + _org_phrases(doc, lexicon, cue_starts)
    others += _after_cues(doc, cue_ends, known + others)
    persons = _persons(doc, lexicon, known + others)
    titles = {p.function[0] for p in persons if p.function}
    # NER often reads a function ("Sous-Préfet") as a place or an organisation: the person wins
    others = [c for c in others if c.kind == "person" or not any(c.start <= i < c.end for i in titles)]
    entities = _joined_adjectives(doc, _resolve(doc, known, [c for c in others if c.kind != "person"]))
    entities = _joined_words(doc, entities)
    functions = [p.function for p in persons if p.function]
    entities = sorted(entities + _function_orgs(doc, functions, entities, lexicon), key=lambda c: c.start)
    entities = [
        c for c in entities if c.kind != "place" or not any(f[0] <= c.start < f[1] for f in functions)
    ]
    person_spans = _resolve(doc, [c for c in known if c.kind == "person"], persons)
    places = [c for c in entities if c.kind == "place" and c.source == "gazetteer"]
    person_spans = [  # « au Robert »: a known place the NER read as a first name, with no function
        p
        for p in person_spans
        if p.function or not any(k.start <= p.start and p.end <= k.end for k in places)
    ]
    lone = [p for p in person_spans if _place_in_a_list(doc, p, places)]
    person_spans = [p for p in person_spans if p not in lone]
    entities += [replace(p, kind="place") for p in lone if p not in entities]
    entities = [_neighbourhood(doc, c) if c.kind == "place" else c for c in entities]
    return sorted(entities + [p for p in person_spans if p not in entities], key=lambda c: c.start)


def _neighbourhood(doc, c: Candidate) -> Candidate:
    """A place right after « quartier », « quartier prioritaire », « QPV » (names.toml `neighbourhood_words`)
    is a neighbourhood: its name keeps those words and no commune's code (« Bayonne (quartier Sainte-Croix) »
    is not the Sainte-Croix of another département)."""
    start = c.start
    while start > 0 and c.start - start < NEIGHBOURHOOD_SPAN:
        start -= 1
        before = doc[start : c.start].text + " "
        if NEIGHBOURHOOD_BEFORE.search(before) and NEIGHBOURHOOD_BEFORE.search(before).start() == 0:
            return replace(c, start=start, key=None, other_keys=())
    return c


NEIGHBOURHOOD_SPAN = 8  # tokens: the longest of the words before a neighbourhood's name


ACRONYM_LETTERS = 6
_FUNCTION_JOINTS = frozenset({"de", "du", "des", "d'", "la", "l'", "le", "les", "a", "au", "aux"})


def _function_orgs(doc, functions: list[tuple[int, int]], entities: list[Candidate], lexicon: Lexicon):
    """« coordinatrice de la CPTS »: the acronym that completes a person's function is an organisation (the
    person's), when no other mention holds it; the function's words are not part of it."""
    titles, longest = _title_words(lexicon.person_titles)
    folded = [fold(t.text) for t in doc]
    out = []
    for fs, fe in functions:
        if any(c.kind in ("org", "dispositif") and fs <= c.start and c.end <= fe for c in entities):
            continue
        k = fs + next((n for n in range(longest, 0, -1) if tuple(folded[fs : fs + n]) in titles), 0)
        if k == fs:
            continue
        while k < fe and folded[k] in _FUNCTION_JOINTS:
            k += 1
        if k >= fe or k == fs or folded[k - 1] not in _FUNCTION_JOINTS:
            continue
        t = doc[k]
        if not (t.is_alpha and t.text.isupper() and 2 <= len(t.text) <= ACRONYM_LETTERS):
            continue
        if doc[fs].text.isupper() or any(c.start <= k < c.end for c in entities):
            continue  # a line in capitals ("DIRECTEUR DU PROGRAMME"): no acronym to tell
        out.append(Candidate(k, fe, "org", "parse"))
    return out


_PLACE_CASES = frozenset({"de", "d'", "a", "au", "aux", "en"})


def _place_in_a_list(doc, p: Candidate, places: list[Candidate]) -> bool:
    """« les habitants de Sochaux, d'Étupes et de Bart »: one capitalised word the NER reads as a person,
    with no function nor civility, after a preposition of place and coordinated with a known place, is a
    place (a small commune the gazetteer does not hold)."""
    if p.function or p.end - p.start != 1 or p.start == 0:
        return False
    t = doc[p.start]
    if fold(doc[p.start - 1].text) not in _PLACE_CASES or t.dep_ != "conj":
        return False
    starts = {c.start for c in places}
    return any(k in starts for k in (t.head.i, *[c.i for c in t.head.children if c.dep_ == "conj"]))


def _bare_number(doc, c: Candidate) -> bool:
    return c.kind == "place" and c.end - c.start == 1 and doc[c.start].text[:1].isdigit()


def _numbered_place(doc, c: Candidate) -> bool:
    """« dans le 93 », « les habitants du 13 », « tout le 13 »: a place known by its number, written after
    its article and not counting something (« le 13 mars », « du 93 rue … », a name's number « X 93 »)."""
    if c.start == 0 or fold(doc[c.start - 1].text) not in NUMBER_ARTICLES:
        return False
    nxt = doc[c.end] if c.end < len(doc) else None
    counted = nxt is not None and nxt.is_lower and nxt.pos_ in ("NOUN", "ADJ", "PROPN")
    # « le 13 à 14 h », « du 13 au 15 » : a day and an hour or a range of days, not a département
    after = doc[c.end + 1] if c.end + 1 < len(doc) else None
    dated = (
        nxt is not None
        and fold(nxt.text) in ("a", "au", "-")
        and after is not None
        and after.text[:1].isdigit()
    )
    return nxt is None or not counted and not dated and not nxt.like_num and nxt.text not in ("%", "€")


def _joined_adjectives(doc, entities: list[Candidate]) -> list[Candidate]:
    """'Union régionale des sociétés coopératives | et participatives': an adjective joined by « et » / « ou »
    to the adjective that ends an organisation's name is part of that name."""
    out = []
    for n, c in enumerate(entities):
        e = c.end
        nxt = entities[n + 1].start if n + 1 < len(entities) else len(doc)
        if (
            c.kind == "org"
            and e + 1 < nxt
            and fold(doc[e].text) in ("et", "ou")
            and doc[e + 1].pos_ == "ADJ"
            and doc[e + 1].is_lower
            and doc[e - 1].pos_ == "ADJ"  # two adjectives ("sociale et solidaire"), not "État et tous"
            and (e + 2 >= len(doc) or doc[e + 2].pos_ not in ("NOUN", "PROPN", "ADJ"))
        ):
            c = replace(c, end=e + 2)
        out.append(c)
    return out


def _after_cues(doc, cue_ends: frozenset[int], found: list[Candidate]) -> list[Candidate]:
    """A name in capitals right after a role cue that no list and no NER reads (« sous la houlette de SNCF
    Gares et Connexions », « sous l'égide de la SNCF »): an acronym of two letters or more, with the
    capitalised words that follow it, is an organisation."""
    taken = {i for c in found for i in range(c.start, c.end)}
    out = []
    for k in sorted(cue_ends):
        if k < len(doc) and doc[k].pos_ == "DET" and fold(doc[k].text) in ("la", "le", "l'", "les"):
            k += 1
        if k >= len(doc) or k in taken:
            continue
        t = doc[k]
        if not (t.is_alpha and t.text.isupper() and 2 <= len(t.text) <= ACRONYM_LETTERS + 2):
            continue
        end = max(k + 1, proper_name_end(doc, k + 1))
        end = next((j for j in range(k + 1, end) if j in taken), end)
        out.append(Candidate(k, end, "org", "parse"))
    return out


def _common_capital(doc, k: int) -> bool:
    t = doc[k]
    return (
        t.is_alpha
        and t.text[:1].isupper()
        and not t.text.isupper()
        and not t.is_sent_start
        and doc.vocab[t.lower_].has_vector
    )


def _joined_words(doc, entities: list[Candidate]) -> list[Candidate]:
    """'SNCF Gares | et Connexions': capitalised common words that follow an organisation the NER or the parse
    found (no known name) continue it, and so do capitalised common nouns after « et » (the NER cuts such a
    name in two). A known name or place after « et » is another mention, and so is a proper noun ("l'ADEME et
    Enedis")."""
    out: list[Candidate] = []
    taken = {i: c for c in entities for i in range(c.start, c.end)}
    skip: set[int] = set()
    for c in entities:
        if id(c) in skip:
            continue
        if c.kind != "org" or c.key is not None or c.source == "gazetteer":
            out.append(c)
            continue
        e = c.end
        while (
            e < len(doc) and e not in taken and _common_capital(doc, e) and doc[e].pos_ in ("NOUN", "PROPN")
        ):
            e += 1
        if e + 1 < len(doc) and fold(doc[e].text) == "et" and _common_capital(doc, e - 1):
            k = e + 1
            while k < len(doc) and _common_capital(doc, k) and doc[k].pos_ == "NOUN":
                other = taken.get(k)
                if other is not None and (other.key is not None or other.source == "gazetteer"):
                    break
                k += 1
            ends_there = k >= len(doc) or not (doc[k].is_alpha and doc[k].text[:1].isupper())
            crossing = any(o.start < k < o.end for o in entities)
            if k > e + 1 and ends_there and not crossing:
                swallowed = [o for o in entities if o is not c and c.end <= o.start and o.end <= k]
                if all(o.key is None and o.source != "gazetteer" for o in swallowed):
                    skip |= {id(o) for o in swallowed}
                    e = k
        out.append(replace(c, end=e) if e != c.end else c)
    return [c for c in out if id(c) not in skip]


def _from_match(m: GazetteerMatch) -> Candidate:
    return Candidate(m.start, m.end, m.kind, "gazetteer", m.key, m.other_keys)


def _attach_territories(doc, known: list[Candidate]) -> list[Candidate]:
    """'CCI' + 'Bretagne', 'Pôle emploi' + 'de Normandie': one organisation with its territory."""
    out: list[Candidate] = []
    i = 0
    while i < len(known):
        c = known[i]
        nxt = known[i + 1] if i + 1 < len(known) else None
        if c.kind == "org" and nxt is not None and nxt.kind == "place":
            gap = [t for t in doc[c.end : nxt.start] if not t.is_space]
            words = [fold(t.text) for t in gap]  # "de région Provence-Alpes-Côte d'Azur"
            if all(w in _CASE_WORDS or w in _LEVEL_WORDS for w in words) and len(gap) <= 3:
                out.append(replace(c, end=nxt.end, territory=(nxt.start, nxt.end), territory_key=nxt.key))
                i += 2
                continue
        out.append(c)
        i += 1
    return out


def _own_names(doc, known: list[Candidate], lexicon: Lexicon) -> list[Candidate]:
    """'Mission locale du Pays de Lorient', 'Mission locale jeunes Centre Hérault': a network's head word
    (`own_names`) followed by a proper name is that member's own name; a place inside is its territory."""
    out: list[Candidate] = []
    skip_until = -1
    for c in known:
        if c.start < skip_until:
            continue
        if c.kind == "org" and c.territory is None and fold(doc[c.start : c.end].text) in lexicon.own_names:
            end = proper_name_end(doc, c.end)
            if end > c.end:
                inside = [k for k in known if k.kind == "place" and c.end <= k.start and k.end <= end]
                place = inside[-1] if inside else None
                c = replace(
                    c,
                    end=end,
                    source="parse",
                    key=None,
                    other_keys=(),
                    territory=(place.start, place.end) if place else None,
                    territory_key=place.key if place else None,
                )
                skip_until = end
        out.append(c)
    return out


def _members(doc, lexicon: Lexicon) -> list[Candidate]:
    """'les bailleurs sociaux Troyes Habitat et Mon Logis': after a plural noun of `member_heads`, each
    capitalised name of the list ('A', 'A et B', 'A, B et C') is an organisation of its own."""
    if not lexicon.member_heads:
        return []
    heads = _member_words(lexicon.member_heads)
    folded = [fold(t.text) for t in doc]
    out: list[Candidate] = []
    i = 0
    while i < len(doc):
        n = next((len(h) for h in heads if tuple(folded[i : i + len(h)]) == h), 0)
        if not n or not doc[i].is_lower or i == 0 or doc[i - 1].pos_ not in ("DET", "NUM"):
            i += 1  # a common noun in running text ("les associations"), not a word of a name in capitals
            continue
        k = i + n
        while k < len(doc):
            lead = doc[k].pos_ == "DET" and doc[k].text[:1].isupper() and k + 1 < len(doc)
            end = proper_name_end(doc, k + 1 if lead else k)  # "et Mon Logis": a name may start with one
            if end <= k + lead or doc[k].is_lower:
                break
            out.append(Candidate(k, end, "org", "parse", lead=(i, i + n)))
            more = end + 1 < len(doc) and folded[end] in (",", "et")
            if more and _name_start(doc[end + 1]):
                k = end + 1
                continue
            break
        i = max(k, i + n)
    return out


def _name_start(token) -> bool:
    """A capitalised word that can start a name (a capitalised determiner too: « Mon Logis »)."""
    if not (token.is_alpha and token.text[:1].isupper()) or token.pos_ in ("PRON", "VERB", "AUX"):
        return False
    nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return token.pos_ != "DET" or (nxt is not None and nxt.is_alpha and nxt.text[:1].isupper())


@lru_cache(maxsize=8)
def _member_words(heads: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted((tuple(h.split()) for h in heads), key=lambda h: -len(h)))


def _collectivities(doc, known: list[Candidate], lexicon: Lexicon) -> list[Candidate]:
    """'Ville d'Agde', 'Commune de Vire': a territory head word, 'de', then a known place is the organisation
    of that collectivity, the place its territory."""
    out = []
    for c in known:
        s = c.start
        if (
            c.kind == "place"
            and s >= 2
            and fold(doc[s - 1].text) in ("de", "d'", "du")
            and fold(doc[s - 2].text) in lexicon.territory_heads
        ):
            c = replace(
                c,
                start=s - 2,
                kind="org",
                source="parse",
                key=None,
                other_keys=(),
                territory=(c.start, c.end),
                territory_key=c.key,
            )
        out.append(c)
    return out


def _is_org_like(span, lexicon: Lexicon) -> bool:
    words = [fold(t.text) for t in span]
    if any(w in lexicon.loc_is_org_words for w in words):
        return True
    return fold(span[0].lemma_) in lexicon.org_heads or any(
        is_acronym(t.text) and len(t) > 1 for t in span[:1]
    )


def _ner(doc, lexicon: Lexicon) -> list[Candidate]:
    out = []
    for ent in doc.ents:
        span = ent
        while len(span) > 1 and (span[0].pos_ in ("DET", "ADP") or fold(span[0].text) in _CASE_WORDS):
            span = span[1:]
        if sum(c.isalpha() for c in span.text) < 2:  # a drop capital, a stray letter
            continue
        if "@" in span.text or "www." in span.text:  # an address, not a name
            continue
        if ent.label_ == "ORG":
            kind = "org"
        elif ent.label_ == "LOC":
            kind = "org" if _is_org_like(span, lexicon) else "place"
        elif ent.label_ == "PER":
            kind = "org" if any(fold(t.text) in lexicon.loc_is_org_words for t in span) else "person"
        else:
            continue
        if len(span) == 2 and span[0].pos_ == "NOUN" and span[1].like_num:
            continue  # "Action 1", "Mesure 2": a unit's label, not a name
        if kind == "place" and span.start == ent.start + 1 and _name_article(ent[0]):
            span = ent  # « sur le site de La Plagne »: the capitalised article is the name's
        end = span.end
        if kind == "org" and end < len(doc) and len(span) > 1 and fold(doc[end - 1].text) in _CASE_WORDS:
            # "Maison de l'emploi et de la formation du | Pays d'Aubagne": a name never ends with « du »
            more = proper_name_end(doc, end)
            end = more if more > end else end - 1
        out.append(Candidate(span.start, end, kind, "ner"))
    return out


_NAME_ARTICLES = frozenset({"La", "Le", "Les"})


def _name_article(token) -> bool:
    """A capitalised article inside a sentence, before a capitalised word: part of a place's name (« à La
    Plagne », « au Prêcheur » aside), not the writing's."""
    return (
        token.text in _NAME_ARTICLES
        and not token.is_sent_start
        and token.i > 0
        and token.doc[token.i - 1].text not in _SENTENCE_MARKS
        and token.i + 1 < len(token.doc)
        and token.doc[token.i + 1].text[:1].isupper()
    )


_SENTENCE_MARKS = frozenset({".", "!", "?", ":", ";", "•", "-", "–", "«", "(", '"'})


def _org_phrases(doc, lexicon: Lexicon, cue_starts: frozenset[int] = frozenset()) -> list[Candidate]:
    """Noun phrases headed by an organisation word: 'la chambre d'agriculture', 'les missions locales'."""
    out = []
    for t in doc:
        if t.pos_ not in ("NOUN", "PROPN") or fold(t.text) in lexicon.org_not_heads:
            continue
        # "le Centre d'information …": a glossary head written with a capital inside a sentence
        capital = fold(t.lemma_) in lexicon.glossary_heads and (
            (t.text[:1].isupper() and not t.is_sent_start)
            # "le centre hospitalier de X", "l'établissement public …": a lower-case head and its adjective
            or (t.i + 1 < len(doc) and fold(doc[t.i + 1].text) in lexicon.glossary_head_adjectives)
        )
        if fold(t.lemma_) not in lexicon.org_heads and fold(t.text) not in lexicon.org_heads and not capital:
            continue
        right = [c for c in t.rights if (c.dep_ not in _CUT_DEPS or c.dep_ == "appos") and not c.is_punct]
        left = [c for c in t.lefts if c.dep_ in ("amod", "compound")]
        # the parse lost the name after an organisation head ("l'association | Ensemble Vers l'Emploi")
        named = (
            t.i + 1 < len(doc)
            and (fold(t.lemma_) in lexicon.org_heads or fold(t.text) in lexicon.org_heads)
            and _name_start(doc[t.i + 1])
        )
        if not (right or left or named) and fold(t.text) not in lexicon.org_alone:
            continue
        end = t.i + 1
        for child in sorted(right, key=lambda c: c.i):
            if min(x.i for x in child.subtree) != end or child.pos_ in ("VERB", "AUX") or end in cue_starts:
                break  # "L'Office français de la biodiversité | pilote la création"
            if _located(doc, child):
                break  # "une maison de santé | à Nomexy": where it is, not its name
            end = _contiguous_end(doc, child, end, lexicon.org_heads | lexicon.glossary_heads, cue_starts)
        if _generic_of_places(doc, t, end):
            continue
        end = quoted_name_end(doc, t.i, end)
        end = capitalised_name_end(doc, t.i, end)
        while end > t.i + 1 and fold(doc[end - 1].text) in _TRAILING:
            end -= 1  # "l'association Wimoov et | financée par": a name does not end with a conjunction
        if end == t.i + 1 and not left and fold(t.text) not in lexicon.org_alone:
            continue
        start = min([t.i] + [c.i for c in left])
        while start < t.i and (doc[start].pos_ == "DET" or fold(doc[start].lemma_) == "tout"):
            start += 1
        out.append(Candidate(start, end, "org", "parse"))
    return out


_LOCATED = frozenset({"a", "au", "aux", "en", "dans", "sur"})


def _located(doc, child) -> bool:
    """A complement of place after an organisation word ("à Nomexy", "en Guyane"): a lower-case preposition
    of place before a capitalised name."""
    first = doc[min(x.i for x in child.subtree)]
    return (
        first.dep_ == "case"
        and first.is_lower
        and fold(first.text) in _LOCATED
        and child.text[:1].isupper()
        and child.pos_ == "PROPN"
    )


def _generic_of_places(doc, head, end: int) -> bool:
    """'les coopératives de Calvi et de Propriano': a plural common noun whose complements are a list of
    proper names is the things of those places, not one organisation."""
    if not head.is_lower or "Plur" not in head.morph.get("Number"):
        return False
    span = doc[head.i + 1 : end]
    names = [t for t in span if t.text[:1].isupper() and t.is_alpha]
    joints = [t for t in span if fold(t.text) in ("et", ",")]
    return (
        len(names) >= 2
        and bool(joints)
        and all(
            t.text[:1].isupper() or fold(t.text) in _CASE_WORDS or fold(t.text) in ("et", ",", "-")
            for t in span
        )
    )


def _contiguous_end(
    doc, child, end: int, heads: frozenset[str] = frozenset(), cue_starts: frozenset[int] = frozenset()
) -> int:
    """End of the child's subtree, cut before a comma, a conjunction or a clause; a conjunction inside a
    complement goes on ("des droits des femmes et des familles", "de l'Agriculture et de la Souveraineté
    alimentaire") unless it starts another organisation ("et la CCI", "et des établissements publics")."""
    stop = child.i + 1
    for x in child.subtree:
        if x.i < end:
            continue
        if x.i in cue_starts:
            break
        y = x.head if x.dep_ == "cc" else x
        deep = (
            y.dep_ == "conj"
            and y.head.dep_ == "nmod"
            and y.head.i >= child.i
            and fold(y.lemma_) not in heads
            and fold(y.text) not in heads
            and (
                any(d.dep_ == "case" and fold(d.text) in _OF for d in y.children)
                or not any(d.dep_ in ("det", "case") and fold(d.text) not in _OF for d in y.children)
            )
        )
        cut = x.i != child.i and x.dep_ in _CUT_DEPS and not deep  # "des femmes et des familles" goes on
        if cut or (x.is_punct and not deep) or x.pos_ in ("VERB", "AUX", "PRON", "SCONJ"):
            break
        stop = x.i + 1
    return max(stop, child.i + 1)


def _within_name(doc, c: Candidate, k: Candidate) -> bool:
    """Whether place k lies inside name c, an article before c aside ("l'Union" in "l'|Union départementale
    des associations familiales")."""
    return k.end <= c.end and all(fold(doc[i].text) in _CASE_WORDS for i in range(k.start, c.start))


def _resolve(doc, known: list[Candidate], others: list[Candidate]) -> list[Candidate]:
    kept = list(known)
    for c in sorted(others, key=lambda c: (-(c.end - c.start), c.start)):
        inside = [k for k in kept if k.overlaps(c)]
        if not inside:
            kept.append(c)
            continue
        places = [k for k in inside if k.kind == "place" and _within_name(doc, c, k)]
        if c.kind == "org" and places and len(places) == len(inside):
            place = places[0]
            kept = [k for k in kept if k not in places]
            kept.append(replace(c, territory=(place.start, place.end), territory_key=place.key))
    return sorted(kept, key=lambda c: c.start)
