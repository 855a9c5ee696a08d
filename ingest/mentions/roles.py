"""The role of a mention, from the cue that governs it in its sentence.

Organisations and persons: pilot, partner, funder, operator, public, contact, or "mentioned" when no cue
governs them (never a pilot by default). Places: "perimeter" (where the action applies) or "mentioned" (an
example, a comparison). Dispositifs are "mentioned".

How a cue governs a mention, tried in this order:
1. the dependency parse: the cue is a case marker of the mention ("en lien avec X"), or the mention's head,
   or the head reached by climbing coordinations, appositions and noun complements ("associera A, B et C",
   "porté par les services de l'État"); a subject cue governs its subject ("La Région pilote");
2. the word sequence, for when the parse is wrong: the nearest cue before the mention with only a list in
   between (other mentions, commas, "et", determiners, adverbs), or a subject cue right after such a list;
3. places only: a preposition of place ("à Vire", "en Normandie") is weak evidence of a perimeter, and so is
   a block of a perimeter kind (a title, a region line); otherwise a place is "mentioned".
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.mentions.candidates import Candidate
from ingest.mentions.cues import Cue, Lexicon
from ingest.mentions.normalize import fold

CLIMB = frozenset(
    {"conj", "appos", "nmod", "flat", "flat:name", "flat:foreign", "fixed", "compound", "amod", "nummod"}
)
OBJECTS = frozenset({"obj", "iobj", "obl:arg", "xcomp"})
SUBJECTS = frozenset({"nsubj", "nsubj:pass", "csubj", "expl:subj"})
_GLUE_POS = frozenset({"DET", "CCONJ", "ADV", "SPACE"})
_GLUE_TEXT = frozenset({",", ":", "ainsi", "que", "qu'", "-", "–", "(", ")", "«", "»", '"', "/"})
_SUBJECT_GLUE = frozenset({"qui", "ne", "n'", "aussi", "egalement", "conjointement"})
CLIMB_STEPS = 6
CONFIDENCE = {
    "parse": 0.9,
    "sequence": 0.75,
    "preposition": 0.6,
    "block": 0.7,
    "layout": 0.8,  # the one organisation of a CONTACTS block
    "layout_many": 0.6,  # one of several
    "none": 0.9,
    "subject": 0.6,  # a named body, subject of an action verb with no cue: the operator
}


@dataclass(frozen=True)
class RoleDecision:
    role: str
    how: str  # parse, sequence, preposition, block, layout, none
    cue: Cue | None = None
    kind: str | None = None  # "org" when a place acts ("copilotée par l'État et Troyes Champagne Métropole")

    @property
    def confidence(self) -> float:
        return CONFIDENCE[self.how]


def assign_role(
    doc, cand: Candidate, cues: list[Cue], candidates: list[Candidate], lexicon: Lexicon, block_kind: str
) -> RoleDecision:
    if cand.kind == "dispositif":
        return RoleDecision("mentioned", "none")
    target = "place" if cand.kind == "place" else "org"
    mine = [c for c in cues if c.target == target]
    barriers = {i for c in candidates if c.function and c is not cand for i in range(*c.function)}
    barriers |= {i for c in candidates if c.kind == "person" and c is not cand for i in range(c.start, c.end)}
    if target == "place" and cand.key and cand.end - cand.start > 1:
        decision = _acting(doc, cand, cues, candidates, lexicon, barriers)
        if decision:
            return decision
    glue, seats = _branches(doc, candidates, lexicon)
    if target == "place" and cand.start in seats:
        return RoleDecision("mentioned", "parse")  # the seat of a branch ("l'antenne de X de la …")
    parsed = _by_parse(doc, cand, mine, barriers - set(range(cand.start, cand.end)))
    family = ("place",) if target == "place" else ("org", "person")
    covered = {i for c in candidates if c.kind in family for i in range(c.start, c.end)}
    if target == "org":  # a branch's words, a known place of several words (an EPCI in a list of funders)
        covered |= glue | {
            i
            for c in candidates
            if c.kind == "place" and c.key and c.end - c.start > 1
            for i in range(c.start, c.end)
        }
    covered |= {i for c in candidates if c.lead and c.kind in family for i in range(*c.lead)}
    in_function = any(
        c.function and c is not cand and c.function[0] <= cand.start < c.function[1] for c in candidates
    )
    cue = None if in_function else _by_sequence(doc, cand, mine, covered, target, lexicon.org_heads)
    if parsed and not (cue and _nearer(cue, parsed, cand)):
        return RoleDecision(parsed.role, "parse", parsed)
    if cue:
        return RoleDecision(cue.role, "sequence", cue)
    if target == "org" and not in_function:
        cue = _joint(doc, cand, mine, covered, lexicon)
        if cue:
            return RoleDecision(cue.role, "sequence", cue)
    if target == "place":
        return _place_without_cue(doc, cand, mine, lexicon, block_kind)
    if cand.kind == "org" and not in_function and _acting_subject(doc, cand, lexicon):
        return RoleDecision("operator", "subject")
    return RoleDecision("mentioned", "none")


_NOT_ACTING = frozenset({"etre", "avoir", "pouvoir", "devoir", "vouloir", "sembler", "rester", "devenir"})


def _acting_subject(doc, cand: Candidate, lexicon: Lexicon) -> bool:
    """A named body (a head of `acting_heads` in role_cues.toml, then a capitalised name) that is the subject
    of a finite action verb written after it, with no cue: « l'association X ouvre un garage … et prête des
    scooters »: X does the action, it operates it. « être », « avoir » and the modal verbs do nothing."""
    words = [t for t in doc[cand.start : cand.end] if not t.is_punct and t.pos_ != "DET"]
    if len(words) < 2 or fold(words[0].text) not in lexicon.acting_heads or not words[1].text[:1].isupper():
        return False
    for t in doc[cand.start : cand.end]:  # the parse may hang the subject on any word of the name
        verb = t.head
        if (
            t.dep_ == "nsubj"
            and verb.i >= cand.end
            and verb.pos_ == "VERB"
            and fold(verb.lemma_) not in _NOT_ACTING
            and "Inf" not in verb.morph.get("VerbForm")
        ):
            return True
    return False


JOINT_OBJECT_MAX = 3


def _joint(doc, cand: Candidate, cues: list[Cue], covered: set[int], lexicon: Lexicon) -> Cue | None:
    """The partner of a joint subject verb, after « avec » ("A et B co-pilotent l'action avec C",
    "cofinancent le parcours avec C"): C shares the role. The verb's prefixes and the preposition are data
    (`[joint]` in role_cues.toml)."""
    if not lexicon.joint_prefixes:
        return None
    sent = sentence_of(doc, cand.start)
    for cue in cues:
        if cue.direction != "subject" or not (sent.start <= cue.start and cue.end <= cand.start):
            continue
        if not fold(cue.text).startswith(lexicon.joint_prefixes):
            continue
        joint = [k for k in range(cue.end, cand.start) if fold(doc[k].text) in lexicon.joint_words]
        if not joint or joint[0] - cue.end > JOINT_OBJECT_MAX:
            continue
        k = joint[0]
        if all(doc[j].pos_ in ("DET", "NOUN", "ADJ") for j in range(cue.end, k)) and all(
            _glue(doc, j, covered, "org", fold(doc[k].text)) for j in range(k + 1, cand.start)
        ):
            return cue
    return None


def _place_without_cue(
    doc, cand: Candidate, cues: list[Cue], lexicon: Lexicon, block_kind: str
) -> RoleDecision:
    """A place no cue governs: an example's, else a perimeter by its preposition ("à Vire"), by the public
    it completes ("les jeunes de Vire") or by its block (a title), else mentioned."""
    cue = _example_scope(doc, cand, cues)
    if cue:
        return RoleDecision("mentioned", "parse", cue)
    root = doc[cand.start : cand.end].root
    if _after_place_preposition(root, lexicon):
        return RoleDecision("perimeter", "preposition")
    if _of_a_public(root, lexicon):
        return RoleDecision("perimeter", "preposition")
    if block_kind in lexicon.perimeter_block_kinds:
        return RoleDecision("perimeter", "block")
    return RoleDecision("mentioned", "none")


ENUMERATION_MAX = 16  # places coordinated after one preposition, at most


def _after_place_preposition(root, lexicon: Lexicon) -> bool:
    """A preposition of place before the place, or before the first of the places it is coordinated with
    ("à Auch, Condom et Mirande": the three)."""
    cur = root
    for _ in range(ENUMERATION_MAX):
        if any(ch.dep_ == "case" and fold(ch.text) in lexicon.perimeter_prepositions for ch in cur.lefts):
            return True
        if cur.dep_ != "conj" or cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


_OF = frozenset({"de", "du", "des", "d'"})


PUBLIC_HOPS = 4


def _of_a_public(root, lexicon: Lexicon) -> bool:
    """A place after "de" that completes a public ("les jeunes de Vire et de Flers", "les demandeurs d'emploi
    de plus de 50 ans de Verdun"), through coordinations and noun complements."""
    if not any(ch.dep_ == "case" and fold(ch.text) in _OF for ch in root.lefts):
        return False
    cur = root
    while cur.dep_ == "conj" and cur.head.i != cur.i:
        cur = cur.head
        if fold(cur.text) in lexicon.public_nouns:  # "les habitants de A, d'B": B hung on the public
            return True
    for _ in range(PUBLIC_HOPS):
        if cur.dep_ not in ("nmod", "obl", "obl:mod") or cur.head.i == cur.i:
            return False
        cur = cur.head
        if fold(cur.text) in lexicon.public_nouns:
            return True
    return False


def _branches(doc, candidates: list[Candidate], lexicon: Lexicon) -> tuple[frozenset[int], frozenset[int]]:
    """The words of a branch before the organisation it belongs to ("l'antenne de Fourmies de la", "la
    délégation départementale de l'"), read as part of a list, and the start of each branch's seat (a place
    that is not the perimeter). Kept on the doc for its list of candidates."""
    kept = doc.user_data.get("qfq_branches")
    if kept is not None and kept[0] is candidates:
        return kept[1]
    glue: set[int] = set()
    seats: set[int] = set()
    places = {c.start: c for c in candidates if c.kind == "place"}
    orgs = {c.start for c in candidates if c.kind == "org"}
    for t in doc:
        if fold(t.text) not in lexicon.branch_heads:
            continue
        j = t.i + 1
        while j < len(doc) and doc[j].pos_ == "ADJ":
            j += 1
        seat = places.get(j + 1) if j < len(doc) and fold(doc[j].text) in _OF else None
        end = seat.end if seat else j
        if end < len(doc) and fold(doc[end].text) in _OF:
            org = end + 1 + (end + 1 < len(doc) and doc[end + 1].pos_ == "DET")
            if org in orgs:
                glue.update(range(t.i, org))
                if seat:
                    seats.add(seat.start)
    found = (frozenset(glue), frozenset(seats))
    doc.user_data["qfq_branches"] = (candidates, found)
    return found


ACTING = frozenset({"pilot", "partner", "funder", "operator"})


def _nearer(seq: Cue, parsed: Cue, cand: Candidate) -> bool:
    """A cue that governs the mention through a plain list, written after the cue the parse climbed to
    ("animé par A, en co-construction avec B, C et D": C and D are partners, whatever the parse attached
    them to)."""
    return (
        seq.direction == parsed.direction == "after"
        and parsed.end <= seq.start
        and seq.end <= cand.start
        and seq.role != parsed.role
    )


def _acting(doc, cand, cues, candidates, lexicon: Lexicon, barriers: set[int]) -> RoleDecision | None:
    """The role of a known place of several words governed as an organisation: by the parse when it stands
    in an organisation's position, else by the word sequence right after an acting cue ("Sous la houlette
    de <an EPCI's name>," when the parse fails)."""
    acting = [c for c in cues if c.target == "org" and c.role in ACTING]
    if _acting_place(doc, cand, lexicon):
        cue = _by_parse(doc, cand, acting, barriers)
        if cue:  # a collectivity named by its territory, governed as an organisation
            return RoleDecision(cue.role, "parse", cue, kind="org")
    orgs = {i for c in candidates if c.kind in ("org", "person") for i in range(c.start, c.end)}
    cue = _by_sequence(doc, cand, acting, orgs, "org", lexicon.org_heads)
    # an EPCI's name before a subject cue acts ("La Communauté d'agglomération de X pilote la démarche")
    if cue and (cue.direction == "after" or (cand.key or "").startswith("epci:")):
        return RoleDecision(cue.role, "sequence", cue, kind="org")
    return None


def _acting_place(doc, cand: Candidate, lexicon: Lexicon) -> bool:
    """A known place of several words in the position of an organisation: the agent or the object of a verb,
    or coordinated with one, with no preposition of place ("par l'État et Troyes Champagne Métropole", not
    "à Evreux"; a one-word commune stays a place)."""
    if cand.end - cand.start < 2:
        return False
    root = doc[cand.start : cand.end].root
    if any(ch.dep_ == "case" and fold(ch.text) in lexicon.perimeter_prepositions for ch in root.children):
        return False
    return root.dep_ in ("obl:agent", "conj", "nsubj", "obj", "appos", "nmod", "obl:arg", "obl:mod")


def _example_scope(doc, cand: Candidate, cues: list[Cue]) -> Cue | None:
    """A place inside what an example cue introduces: 'à l'image de ce qui se fait à Rennes'."""
    for cue in cues:
        if cue.role != "mentioned" or cue.end > cand.start:
            continue
        head = doc[cue.end - 1].head
        if head.i >= cue.end and head.left_edge.i <= cand.start and cand.end - 1 <= head.right_edge.i:
            return cue
    return None


def _cue_at(cues: list[Cue], i: int) -> Cue | None:
    return next((c for c in cues if c.start <= i < c.end), None)


def _by_parse(doc, cand: Candidate, cues: list[Cue], barriers: set[int]) -> Cue | None:
    """The cue the parse attaches the mention to. The climb stops at a person's name or function (the
    organisation of 'X, directrice de la mission locale, coordonne' is not the coordinator) and after one
    noun complement that is not itself a mention ('les services de l'État' yes, 'des visiteurs, dont des
    représentants de l'État' no)."""
    if not cues:
        return None
    for root in _roots(doc, cand):
        found = _climb(doc, root, cand, cues, barriers)
        if found:
            return found
    return None


def _roots(doc, cand: Candidate) -> list:
    """Where the parse attaches a mention: its first word whose head lies outside it (a name is written
    head first: "la Région Grand | Est", where the parse hangs « Est » elsewhere), then spaCy's root."""
    span = doc[cand.start : cand.end]
    first = next((t for t in span if not (cand.start <= t.head.i < cand.end) or t.head.i == t.i), span.root)
    return [first] if first.i == span.root.i else [first, span.root]


def _climb(doc, root, cand: Candidate, cues: list[Cue], barriers: set[int]) -> Cue | None:
    found = _marker_cue(root, cand.start, cues)
    if found:
        return found
    cur = root
    nmod_hops = 0
    for _ in range(CLIMB_STEPS):
        head = cur.head
        if head.i == cur.i or (head.i in barriers and not (cand.start <= head.i < cand.end)):
            return None
        cue = _cue_at(cues, head.i)
        if cue is not None and _governs(cue, cur, cand):
            return cue
        if cur.dep_ not in CLIMB or not (cand.start <= head.i < cand.end or head.pos_ in ("NOUN", "PROPN")):
            return None
        if cur.dep_ == "nmod" and not (cand.start <= head.i < cand.end):
            nmod_hops += 1
            if nmod_hops > 1:
                return None
        found = _marker_cue(head, cand.start, cues)
        if found:
            return found
        cur = head
    return None


def _governs(cue: Cue, cur, cand: Candidate) -> bool:
    """Whether a cue at the head of `cur` governs the mention (subject cue: its subject; verb: its object)."""
    if cue.direction == "subject":
        # the agent of the verb in the passive plays the subject's part ("organisé à X par Y": Y organises)
        if cur.dep_ == "obl:agent" and cue.start <= cur.head.i < cue.end:
            return cue.end <= cand.start
        return cur.dep_ == "nsubj" and cue.start >= cand.end
    # a name the parse coordinates with the verb itself is a second object ("réunit les entreprises et X")
    second = (
        cur.dep_ == "conj"
        and cur.pos_ in ("NOUN", "PROPN")
        and any(c.dep_ in OBJECTS for c in cur.head.children)
    )
    return (
        cur.dep_ not in SUBJECTS
        and cue.start < cand.start
        and (not cue.verb or cur.dep_ in OBJECTS or second)
    )


def _marker_cue(token, before: int, cues: list[Cue]) -> Cue | None:
    """A cue among the case markers written before a noun: 'en lien avec' + X, 'comme à' + Rennes."""
    for ch in token.lefts:
        if ch.dep_ in ("case", "mark", "advmod", "cc") and ch.i < before:
            cue = _cue_at(cues, ch.i)
            if cue is not None and cue.direction == "after" and cue.end <= before:
                return cue
    return None


def _glue(
    doc, k: int, covered: set[int], target: str, repeated: str = "", heads: frozenset = frozenset()
) -> bool:
    """A token of the list between a cue and its mention: another mention, a comma, "et", a determiner, an
    adverb; the cue's preposition again ("financés par l'État et par le Département"); an organisation head
    word just before a mention ("et par le réseau COORACE"); a share in parentheses ("A (50 %), B (30 %)")."""
    t = doc[k]
    if k in covered or t.is_space or t.pos_ in _GLUE_POS or fold(t.text) in _GLUE_TEXT:
        return True
    if _in_share(doc, k):
        return True
    if repeated and fold(t.text) == repeated:
        return True
    if heads and k + 1 in covered and fold(t.text) in heads:
        return True
    return target == "place" and t.pos_ == "ADP"


def _in_share(doc, k: int) -> bool:
    """A number or a percent sign inside parentheses: the share written after a funder ("(50 %)")."""
    if not (doc[k].like_num or doc[k].text in _SHARE):
        return False
    for j in range(k - 1, max(-1, k - 5), -1):
        if doc[j].text == "(":
            return True
        if not (doc[j].like_num or doc[j].text in _SHARE):
            return False
    return False


_SHARE = frozenset({"%", "€", ",", "."})


_TERMINAL = frozenset({".", "!", "?", ";", "•", "…"})


def sentence_of(doc, i: int):
    """The sentence of token i: spaCy's, joined to its neighbours where the parser cut with no punctuation
    ("Pôle emploi et la Région | copilotent le programme.")."""
    sents = doc.user_data.get("qfq_sents")
    if sents is None:
        sents = doc.user_data["qfq_sents"] = list(doc.sents)
    k = next(n for n, s in enumerate(sents) if s.start <= i < s.end)
    first = k
    while first > 0 and sents[first - 1][-1].text not in _TERMINAL:
        first -= 1
    last = k
    while last + 1 < len(sents) and sents[last][-1].text not in _TERMINAL:
        last += 1
    return doc[sents[first].start : sents[last].end]


def _by_sequence(
    doc, cand: Candidate, cues: list[Cue], covered: set[int], target: str, heads: frozenset = frozenset()
) -> Cue | None:
    """The nearest cue before the mention with only a list in between, or a subject cue right after such a
    list; after a comma, a subject cue right after the mention wins ("En lien avec A et B, la Région
    finance …": the Région is the funder, not a partner)."""
    sent = sentence_of(doc, cand.start)
    before = [c for c in cues if c.direction == "after" and sent.start <= c.start and c.end <= cand.start]
    found = None
    if before:
        cue = before[-1]
        last = fold(doc[cue.end - 1].text)
        repeated = last if doc[cue.end - 1].pos_ == "ADP" else ""
        if all(_glue(doc, k, covered, target, repeated, heads) for k in range(cue.end, cand.start)):
            found = cue
            if not any(doc[k].text == "," for k in range(cue.end, cand.start)):
                return found
    after = [c for c in cues if c.direction == "subject" and c.start >= cand.end and c.end <= sent.end]
    if after:
        cue = after[0]
        gap = range(cand.end, cue.start)
        if all(_glue(doc, k, covered, target) or fold(doc[k].text) in _SUBJECT_GLUE for k in gap):
            return cue
    return found
