"""Mentions in the prose (ingest/mentions) with the real spaCy French pipeline, loaded once per session."""

from __future__ import annotations

import logging
import threading
import tomllib
from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.mentions import Block, FrenchNLP, Gazetteer, Mention, extract_mentions, load_lexicon
from ingest.mentions.cues import DATA, expand
from ingest.mentions.normalize import fold, prepare

DATA_DIR = Path(__file__).parent / "data"
log = logging.getLogger(__name__)


@pytest.fixture(scope="session")
def nlp() -> FrenchNLP:
    return FrenchNLP()


@pytest.fixture(scope="session")
def gazetteer(nlp: FrenchNLP, gazetteer_rows) -> Gazetteer:
    return Gazetteer(gazetteer_rows, nlp)


def mentions_of(text: str, gazetteer, nlp, kind: str = "description", line: int = 1) -> list[Mention]:
    return extract_mentions([Block(text, line, None, kind)], gazetteer, nlp)


def by_surface(mentions: list[Mention]) -> dict[str, Mention]:
    return {fold(m.surface): m for m in mentions}


def role_of(mentions: list[Mention], surface: str) -> str:
    found = by_surface(mentions).get(fold(surface))
    assert found is not None, f"{surface!r} not found in {[m.surface for m in mentions]}"
    return found.role


# --- roles from the sentence ---------------------------------------------------------------------------


def test_presided_by_and_a_coordination_list_give_every_member(nlp, gazetteer):
    text = (
        "Ce comité, présidé par le préfet de région, associera notamment le Conseil régional, "
        "Pôle emploi et les missions locales."
    )
    ms = mentions_of(text, gazetteer, nlp)
    assert role_of(ms, "préfet de région") == "pilot"
    assert by_surface(ms)["prefet de region"].kind == "person"
    for partner in ("Conseil régional", "Pôle emploi", "missions locales"):
        assert role_of(ms, partner) == "partner"
    pilot = by_surface(ms)["prefet de region"]
    assert pilot.cue == "présidé par" and pilot.quote == text and pilot.quote_span == (0, len(text))


def test_funders_and_an_organisation_the_gazetteer_does_not_hold(nlp, gazetteer):
    text = "Le projet est financé par la Région et cofinancé par la Fondation Horizon Solidaire."
    ms = mentions_of(text, gazetteer, nlp)
    assert role_of(ms, "Région") == "funder"
    fondation = by_surface(ms)["fondation horizon solidaire"]
    assert fondation.role == "funder" and fondation.key is None and fondation.source in ("ner", "parse")
    assert by_surface(ms)["region"].source == "gazetteer" and by_surface(ms)["region"].key == "region"


def test_financial_support_cue(nlp, gazetteer):
    ms = mentions_of("L'atelier ouvrira avec le soutien financier de la CAF du Calvados.", gazetteer, nlp)
    caf = by_surface(ms)["caf du calvados"]
    assert caf.role == "funder" and caf.kind == "org" and caf.key == "caf"
    assert caf.territory == "Calvados" and caf.territory_key == "dep:14"


def test_no_cue_is_mentioned_never_pilot(nlp, gazetteer):
    ms = mentions_of("Les chiffres de Pôle emploi montrent une baisse du chômage.", gazetteer, nlp)
    assert role_of(ms, "Pôle emploi") == "mentioned"
    assert all(m.role != "pilot" for m in ms)


def test_place_perimeter_versus_example(nlp, gazetteer):
    text = "Le dispositif sera déployé sur le territoire de Vire, à l'image de ce qui se fait à Rennes."
    ms = mentions_of(text, gazetteer, nlp)
    assert role_of(ms, "Vire") == "perimeter"
    assert role_of(ms, "Rennes") == "mentioned"
    assert by_surface(ms)["vire"].kind == "place" and by_surface(ms)["vire"].key == "com:14762"


def test_subject_of_a_pilot_verb(nlp, gazetteer):
    ms = mentions_of("Pôle emploi et la Région copilotent le programme.", gazetteer, nlp)
    assert role_of(ms, "Pôle emploi") == "pilot" and role_of(ms, "Région") == "pilot"


def test_person_with_function_and_affiliation(nlp, gazetteer):
    text = "Marie Lefèvre, directrice de la mission locale de Caen, coordonne le réseau des référents."
    ms = mentions_of(text, gazetteer, nlp)
    marie = by_surface(ms)["marie lefevre"]
    assert marie.kind == "person" and marie.role == "pilot"
    assert marie.function == "directrice de la mission locale de Caen"
    assert marie.affiliation == "mission locale de Caen"


def test_dispositifs_from_the_thesaurus(nlp, gazetteer):
    ms = mentions_of("Les jeunes en Garantie jeunes peuvent faire une PMSMP.", gazetteer, nlp)
    kinds = {fold(m.surface): (m.kind, m.key) for m in ms}
    assert kinds["garantie jeunes"] == ("dispositif", "garantie-jeunes")
    assert kinds["pmsmp"] == ("dispositif", "pmsmp")


# --- gazetteer -----------------------------------------------------------------------------------------


def test_gazetteer_tolerates_case_accents_apostrophes(nlp, gazetteer):
    for text in (
        "POLE EMPLOI accompagne les jeunes.",
        "pôle emploi accompagne les jeunes.",
        "Pôle Emploi accompagne les jeunes.",
    ):
        ms = mentions_of(text, gazetteer, nlp)
        assert [(m.kind, m.key) for m in ms][:1] == [("org", "pole-emploi")], text
    ms = mentions_of("La Chambre de Commerce et d’Industrie recrute.", gazetteer, nlp)
    assert [m.key for m in ms if m.kind == "org"] == ["cci"]
    assert ms[0].surface == "Chambre de Commerce et d’Industrie"  # as written, curly apostrophe kept


def test_short_acronyms_only_in_their_case_as_whole_words(nlp, gazetteer):
    ms = mentions_of("Le PE oriente vers une PEC ; la pe de l'enfant.", gazetteer, nlp)
    found = [(m.surface, m.kind, m.key) for m in ms if m.key]
    assert ("PE", "org", "pole-emploi") in found
    assert ("PEC", "dispositif", "pec") in found
    assert not any(m.surface == "pe" for m in ms)


def test_capitalised_one_word_name_is_not_a_lower_case_word(nlp, gazetteer):
    ms = mentions_of("Il y a eu un forum à Eu.", gazetteer, nlp)
    places = [m for m in ms if m.kind == "place"]
    assert [(m.surface, m.key) for m in places] == [("Eu", "com:76255")]
    assert places[0].span == (len("Il y a eu un forum à "), len("Il y a eu un forum à Eu"))


def test_longest_match_wins_and_homonyms_are_kept(nlp):
    gaz = Gazetteer(
        [
            ("Saint-Denis", "place", "com:93066"),
            ("Saint-Denis", "place", "com:97411"),
            ("Saint", "place", "com:x"),
            ("Maison de l'emploi", "org", "mde"),
            ("Maison de l'emploi de Saint-Denis", "org", "mde-sd"),
        ],
        nlp,
    )
    ms = extract_mentions([Block("La Maison de l'emploi de Saint-Denis ouvre.", 1)], gaz, nlp)
    assert [(m.surface, m.key) for m in ms] == [("Maison de l'emploi de Saint-Denis", "mde-sd")]
    ms = extract_mentions([Block("Rendez-vous à Saint-Denis.", 1)], gaz, nlp)
    place = next(m for m in ms if m.kind == "place")
    assert place.key == "com:93066" and place.other_keys == ("com:97411",)


def test_gazetteer_rejects_bad_rows(nlp):
    with pytest.raises(ConfigError, match="a le type"):
        Gazetteer([("Vire", "town", "x")], nlp)
    with pytest.raises(ConfigError, match="forme ou une clé vide"):
        Gazetteer([(" ", "place", "x")], nlp)


# --- offsets, lines, blocks ----------------------------------------------------------------------------


def test_spans_quotes_and_lines_in_a_wrapped_block(nlp, gazetteer):
    text = "Une première phrase.\nLe projet est porté  par la\nRégion, avec l’appui de\nl’ADEME."
    ms = extract_mentions([(text, 40, 7, "description")], gazetteer, nlp)
    region = by_surface(ms)["region"]
    ademe = by_surface(ms)["ademe"]
    assert region.role == "pilot" and ademe.role == "partner"
    assert (region.line, ademe.line, region.page) == (42, 43, 7)
    for m in (region, ademe):
        assert text[m.span[0] : m.span[1]] == m.surface
        assert text[m.quote_span[0] : m.quote_span[1]] == m.quote
    assert region.quote.startswith("Le projet est porté") and region.quote.endswith("l’ADEME.")


def test_prepare_keeps_an_offset_map():
    text = "Pôle <b>emploi</b>\n  et la ma-\njeurs"
    clean, offsets = prepare(text)
    assert clean == "Pôle emploi et la ma-jeurs"
    assert len(offsets) == len(clean) + 1
    assert all(text[offsets[i]] == clean[i] for i in range(len(clean)) if clean[i] != " ")


# --- CONTACTS blocks -----------------------------------------------------------------------------------


def test_contacts_block_layout(nlp, gazetteer):
    text = (
        "JEAN MARTIN, CHARGÉ DE MISSION, CONSEIL DÉPARTEMENTAL DE L'EURE : 02 32 00 00 00\n"
        "POLE EMPLOI : 09 72 72 39 49"
    )
    ms = mentions_of(text, gazetteer, nlp, kind="contacts", line=10)
    person = next(m for m in ms if m.kind == "person")
    assert person.surface == "JEAN MARTIN" and person.role == "contact"
    assert person.function == "CHARGÉ DE MISSION"
    assert person.affiliation == "CONSEIL DÉPARTEMENTAL DE L'EURE"
    orgs = {m.surface: m for m in ms if m.kind == "org"}
    assert set(orgs) == {"CONSEIL DÉPARTEMENTAL DE L'EURE", "POLE EMPLOI"}
    assert all(m.role == "pilot" for m in orgs.values())
    assert orgs["POLE EMPLOI"].key == "pole-emploi" and orgs["POLE EMPLOI"].line == 11
    assert orgs["CONSEIL DÉPARTEMENTAL DE L'EURE"].territory_key == "dep:27"
    single = mentions_of("CCI BRETAGNE : 02 99 25 41 41", gazetteer, nlp, kind="contacts")
    assert single[0].confidence > orgs["POLE EMPLOI"].confidence  # one organisation is surer than two


# --- the model, the lexicon ----------------------------------------------------------------------------


def test_model_is_loaded_lazily_once_and_thread_safe():
    owner = FrenchNLP(batch_size=8)
    assert not owner.loaded
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(owner.nlp)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert owner.loaded and len(seen) == 4 and all(s is seen[0] for s in seen)
    assert owner.sentences("Une phrase. Une autre phrase.") == [(0, 11), (12, 29)]


def test_missing_model_names_the_package_to_install():
    owner = FrenchNLP("fr_core_news_absent")
    with pytest.raises(ConfigError) as err:
        owner.tokenize("x")
    assert "fr-core-news-absent" in str(err.value) and "ne télécharge jamais" in str(err.value)
    with pytest.raises(ConfigError, match="batch_size"):
        FrenchNLP(batch_size=0)


def test_cue_notation_and_lexicon_errors(tmp_path):
    assert expand("pilot{é,ée} par") == ["piloté par", "pilotée par"]
    assert expand("{co-,}financé") == ["co-financé", "financé"]
    lexicon = load_lexicon()
    assert "présidé par" in lexicon.roles["pilot"].cues and "associer" in lexicon.roles["partner"].verbs
    broken = tmp_path / "cues.toml"
    broken.write_text(DATA.read_text(encoding="utf-8").replace("[roles.funder]", "[roles.funders]"))
    with pytest.raises(ConfigError, match="funder"):
        load_lexicon(broken)
    (tmp_path / "bad.toml").write_text("roles = [")
    with pytest.raises(ConfigError, match="TOML"):
        load_lexicon(tmp_path / "bad.toml")


# --- hand-checked expectations: precision and recall ---------------------------------------------------


def score(cases: list[dict], predicted: list[list[Mention]]) -> dict[str, float]:
    """Micro precision/recall over (folded surface, kind, role), and over (surface, kind) alone."""
    out = {}
    for name, width in (("role", 3), ("entity", 2)):
        tp = fp = fn = 0
        for case, ms in zip(cases, predicted, strict=True):
            want = {(fold(s), k, r)[:width] for s, k, r in case["expected"]}
            got = {(fold(m.surface), m.kind, m.role)[:width] for m in ms}
            tp += len(want & got)
            fp += len(got - want)
            fn += len(want - got)
        out[f"{name}_precision"] = tp / (tp + fp) if tp + fp else 0.0
        out[f"{name}_recall"] = tp / (tp + fn) if tp + fn else 0.0
    return out


@pytest.mark.parametrize("section", ["case", "held_out"])
def test_hand_checked_expectations(nlp, gazetteer, section):
    """'case' is what the extractor was tuned on; 'held_out' was written after and never tuned on."""
    with (DATA_DIR / "mentions_expected.toml").open("rb") as fh:
        cases = tomllib.load(fh)[section]
    assert sum(len(c["expected"]) for c in cases) >= (40 if section == "case" else 20)
    predicted = [mentions_of(c["text"], gazetteer, nlp, kind=c.get("kind", "description")) for c in cases]
    scores = score(cases, predicted)
    log.warning("mentions P/R on %d hand-checked %s: %s", len(cases), section, scores)
    assert scores["entity_precision"] >= 0.85 and scores["entity_recall"] >= 0.85, scores
    assert scores["role_precision"] >= 0.75 and scores["role_recall"] >= 0.75, scores


# --- real sentences of the corpus, found by content at test time -----------------------------------------


def paragraph_with(path: Path, needle: str) -> Block:
    """The paragraph (between blank lines) holding `needle`, as a block starting at its real line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    hit = next(i for i, line in enumerate(lines) if needle in line)
    start = hit
    while start > 0 and lines[start - 1].strip():
        start -= 1
    end = hit
    while end + 1 < len(lines) and lines[end + 1].strip():
        end += 1
    return Block("\n".join(lines[start : end + 1]), start + 1)


def corpus_file(corpus_dir: Path, prefix: str) -> Path:
    return next(corpus_dir.glob(f"{prefix}_*.txt"))


def test_corpus_booklet_initiated_by_the_consular_chambers(corpus_dir, nlp, gazetteer):
    block = paragraph_with(corpus_file(corpus_dir, "002"), "Initiés par toutes les chambres consulaires")
    ms = extract_mentions([block], gazetteer, nlp)
    chambers = by_surface(ms)["chambres consulaires"]
    assert chambers.kind == "org" and chambers.role == "pilot"
    assert "chambres consulaires" in block.text.split("\n")[chambers.line - block.line_start]
    assert "Initiés par toutes les chambres consulaires" in chambers.quote


def test_corpus_places_in_a_list(corpus_dir, nlp, gazetteer):
    path = corpus_file(corpus_dir, "000")
    line_no, line = next(
        (i + 1, s)
        for i, s in enumerate(path.read_text(encoding="utf-8").split("\n"))
        if "Lisieux, Cherbourg" in s
    )
    ms = extract_mentions([Block(line, line_no)], gazetteer, nlp)
    places = {m.surface for m in ms if m.kind == "place"}
    assert {"Lisieux", "Le Havre", "Rouen"} <= places
    assert all(m.line == line_no for m in ms)


def test_corpus_co_presided_by_the_sub_prefect(corpus_dir, nlp, gazetteer):
    path = corpus_file(corpus_dir, "003")
    line_no, line = next(
        (i + 1, s)
        for i, s in enumerate(path.read_text(encoding="utf-8").split("\n"))
        if "co-présidée par" in s
    )
    ms = extract_mentions([Block(line, line_no)], gazetteer, nlp)
    sub_prefect = next(m for m in ms if m.kind == "person" and "préfet" in m.surface.lower())
    assert sub_prefect.role == "pilot" and sub_prefect.cue == "co-présidée par"
    assert role_of(ms, "Direccte") == "partner"


def test_corpus_under_the_impulse_of_the_state(corpus_dir, nlp, gazetteer):
    block = paragraph_with(corpus_file(corpus_dir, "002"), "sous l’impulsion")
    ms = extract_mentions([block], gazetteer, nlp)
    assert role_of(ms, "État") == "pilot"
    assert role_of(ms, "Conseil régional") == "partner"


def test_corpus_contacts_blocks_name_organisations(corpus_dir, nlp, gazetteer):
    lines = corpus_file(corpus_dir, "002").read_text(encoding="utf-8").split("\n")
    blocks = []
    for i, line in enumerate(lines):
        if line.strip() == "CONTACTS":
            end = i + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            blocks.append(Block("\n".join(lines[i + 1 : end]), i + 2, None, "contacts"))
    assert len(blocks) >= 15
    ms = extract_mentions(blocks, gazetteer, nlp)
    with_org = {m.line for m in ms if m.kind == "org" and m.role == "pilot"}
    covered = sum(
        1 for b in blocks if any(b.line_start <= n < b.line_start + b.text.count("\n") + 1 for n in with_org)
    )
    assert covered >= 0.9 * len(blocks), (covered, len(blocks))
    cci = next(m for m in ms if m.surface == "CCI BRETAGNE")
    assert cci.key == "cci" and cci.territory_key == "region:53" and cci.role == "pilot"
    assert lines[cci.line - 1].startswith("CCI BRETAGNE")


def test_only_sentences_that_can_hold_a_mention_are_parsed(nlp: FrenchNLP, gazetteer: Gazetteer) -> None:
    from ingest.mentions.select import Selector, sentence_spans

    text = (
        "Un atelier ouvre chaque semaine. Il est animé par la Mission locale. Les horaires restent souples."
    )
    assert [text[s:e] for s, e in sentence_spans(text)][1] == "Il est animé par la Mission locale."
    selector = Selector(load_lexicon(), nlp, gazetteer)
    pieces = [text[s:e] for s, e in selector.pieces(text)]
    assert pieces == ["Il est animé par la Mission locale."]
    whole = extract_mentions([Block(text, 1)], gazetteer, nlp, select=False)
    before = nlp.parsed
    chosen = extract_mentions([Block(text, 1), Block(text, 9)], gazetteer, nlp)
    assert nlp.parsed - before == 1, "the one sentence that names someone, parsed once for two blocks"
    found = [(m.surface, m.role, m.quote) for m in chosen[: len(chosen) // 2]]
    assert found == [(m.surface, m.role, m.quote) for m in whole]
    assert chosen[-1].line == 9 and chosen[-1].block_index == 1


def test_a_capital_that_starts_a_clause_is_not_a_name(nlp: FrenchNLP, gazetteer: Gazetteer) -> None:
    from ingest.mentions.select import Selector

    selector = Selector(load_lexicon(), nlp, gazetteer)
    assert not selector.can_mention("Mesure n°12 : Créer des ateliers de soutien scolaire en soirée")
    assert not selector.can_mention("Objectif : Renforcer le lien entre les acteurs")
    assert selector.can_mention("Porteur : Wimbrelle")  # the clause is the one word: a name
    assert selector.can_mention("Partenaires : Wimbrelle, associations de quartier")
    assert selector.can_mention("Installer une couveuse dans le quartier de l'Estranière")  # after an elision
    assert selector.can_mention("Objectif : soutenir les jeunes avec Wimbrelle")


def test_the_gazetteer_prefilter_never_hides_a_match(nlp: FrenchNLP, gazetteer: Gazetteer) -> None:
    from ingest.mentions.trie import PhraseTrie

    names = [e.surface for e in gazetteer.entries]
    texts = ["Une formation est ouverte aux demandeurs d'emploi.", "Rien ici ne nomme qui que ce soit."]
    for name in names:  # each name as written, in lower case, and inside a sentence (elided, hyphenated)
        texts += [name, f"suivis par {name.lower()} cette année", f"l'antenne d'{name}-Ouest ouvre"]
    matched = 0
    for text in texts:
        if gazetteer.match(nlp.tokenize(text), text):
            matched += 1
            assert gazetteer.may_match(text), text
    assert matched >= len(names)
    assert not gazetteer.may_match("Rien ici ne nomme qui que ce soit.")
    trie: PhraseTrie[str] = PhraseTrie()
    trie.add(("pole", "emploi"), "a")
    trie.add(("pole",), "b")
    trie.add(("emploi", "normandie"), "c")
    words = ["le", "pole", "emploi", "normandie"]
    assert list(trie.find(words)) == [(1, 2, ["b"]), (1, 3, ["a"]), (2, 4, ["c"])]
    assert trie.get(("pole", "emploi")) == ["a"] and trie.get(("emploi",)) == [] and len(trie) == 3


def test_a_document_extends_the_gazetteer_with_its_own_names(nlp: FrenchNLP, gazetteer: Gazetteer) -> None:
    from ingest.mentions.document import document_entries
    from ingest.records import GlossaryEntry, OrgMention

    rows = document_entries(
        [
            GlossaryEntry("ARIO", "Association Régionale pour l'Insertion", 3),
            GlossaryEntry("BRSA", "Bénéficiaires du RSA", 4),
        ],
        [OrgMention("Fondation Lumière Emploi", 8), OrgMention("BRSA : Bénéficiaires du RSA", 4)],
        load_lexicon(),
    )
    assert {r[0] for r in rows} == {
        "ARIO",
        "Association Régionale pour l'Insertion",
        "Fondation Lumière Emploi",
    }
    extended = gazetteer.extended(rows)
    assert gazetteer.extended([]) is gazetteer and len(extended) == len(gazetteer) + 3
    text = "Les jeunes sont accompagnés par l'ARIO et la Fondation Lumière Emploi."
    found = by_surface(extract_mentions([Block(text, 1)], extended, nlp))
    assert found["ario"].kind == "org" and found["ario"].source == "gazetteer"
    assert found["fondation lumiere emploi"].role == found["ario"].role != "mentioned"
