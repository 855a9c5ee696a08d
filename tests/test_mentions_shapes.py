"""Session 7 shapes of the prose and of the fields: a glossary expansion as an operator, "et" inside an
organisation's name, a title word that is also a commune, a sentence start after a title line; and the
cheaper mentions pass keeps its answers (lemmas, folding, the offset map)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.mentions import Block, Gazetteer, extract_mentions, load_lexicon
from ingest.mentions.actions import shared_nlp
from ingest.mentions.document import document_entries
from ingest.mentions.normalize import fold, prepare
from ingest.orgs import split_orgs
from ingest.places import places_in_field, places_in_title
from ingest.records import GlossaryEntry

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def gazetteer(gazetteer_rows) -> Gazetteer:
    return Gazetteer(gazetteer_rows, shared_nlp())


def _reference_fold(text: str) -> str:
    """Folding as defined: apostrophes and spaces unified, ligatures spelled out, lower case, compatibility
    decomposition, combining marks dropped (what `fold` computes per character)."""
    same = str.maketrans(
        {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00a0": " ", "\u202f": " "}
    )
    text = text.translate(same).translate(
        str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
    )
    text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ").replace("\u2010", "-")
    text = text.replace("\u2011", "-").lower()
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def test_fold_by_characters_is_the_definition() -> None:
    texts = [
        "Chambre régionale de l’Économie Sociale et Solidaire",
        "CŒUR DE BEAUCE — SŒURS, Æther, Straße\u00a0: l\u2018été\u202fà Saint-Dié-des-Vosges",
        "ÉCOLE DE PRODUCTION\tn°3\nﬁn ½ İstanbul Ångström",
        "",
    ]
    for text in texts:
        assert fold(text) == _reference_fold(text), text


def test_prepare_joins_runs_of_spaces_and_words_cut_at_a_line_end() -> None:
    text = "  Les ma-\n  jeurs  <b>et</b>\n\nla Région- \n Caen  "
    out, offsets = prepare(text)
    assert out == "Les ma-jeurs et la Région-Caen "  # a hyphen at a line end joins, as in "ma-\njeurs"
    assert len(offsets) == len(out) + 1 and offsets[-1] == len(text)
    for i, c in enumerate(out):
        assert c == " " or text[offsets[i]] == c


def test_lemmas_are_those_of_the_model_from_a_set_index() -> None:
    nlp = shared_nlp()
    lemmatizer = nlp.nlp.get_pipe("lemmatizer")
    index = lemmatizer.lookups.get_table("lemma_index")
    assert all(isinstance(index[k], frozenset) for k in index)
    doc = nlp.pipe_cached(["Le comité associera les missions locales et réunira les chambres."])[0]
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["associera"] == "associer" and lemmas["réunira"] == "réunir"
    assert lemmas["missions"] == "mission" and lemmas["chambres"] == "chambre"


def test_et_inside_an_organisation_name_is_not_a_cut() -> None:
    def names(text: str) -> list[str]:
        return [o.name for o in split_orgs([text], 1)[0]]

    assert names("Chambre régionale de l'économie sociale et solidaire et la Région") == [
        "Chambre régionale de l'économie sociale et solidaire",
        "Région",
    ]
    assert names("Chambre de métiers et de l'artisanat et CCI") == [
        "Chambre de métiers et de l'artisanat",
        "CCI",
    ]
    assert names("Pôle emploi et missions locales") == ["Pôle emploi", "missions locales"]


def test_et_between_two_lower_case_words_of_one_name() -> None:
    """A singular head, a lower-case word, « et », one singular lower-case word (and its « de … »): one name;
    a plural, a capital, an acronym or a determiner after « et » starts another actor."""

    def names(text: str) -> list[str]:
        return [o.name for o in split_orgs([text], 1)[0]]

    for whole in (
        "Protection maternelle et infantile",
        "Comité départemental olympique et sportif de la Moselle",
        "Centre de ressources handicap et formation",
        "Conseil d'architecture, d'urbanisme et de l'environnement",
    ):
        assert names(whole) == [whole]
    assert names("Pôle emploi et partenaires") == ["Pôle emploi", "partenaires"]
    assert names("Bailleurs sociaux et partenaires") == ["Bailleurs sociaux", "partenaires"]
    assert names("Conseil départemental et communes") == ["Conseil départemental", "communes"]
    assert names("Mission locale et CAF") == ["Mission locale", "CAF"]
    assert names("Pôle emploi et Mission locale") == ["Pôle emploi", "Mission locale"]
    assert names("Protection maternelle et infantile et Mission locale") == [
        "Protection maternelle et infantile",
        "Mission locale",
    ]


def test_a_title_word_that_is_a_commune_is_not_a_place() -> None:
    communes = {fold(n) for n in ("Vers", "Job", "Pas", "Vire", "Orange", "Lisieux", "Saint-Omer")}

    def known(name: str) -> bool:
        return fold(name) in communes

    def places(title: str) -> list[str]:
        return [t.name for t in places_in_title(title, 1, known)]

    assert places("Vers un emploi durable pour les jeunes") == []
    assert places("Pas de territoire sans tiers-lieu") == []
    assert places("Job dating à Vire") == ["Vire"]
    assert places("Vire : garage solidaire") == ["Vire"]
    assert places("Forum de l'emploi – Lisieux") == ["Lisieux"]
    assert places("Un bus pour l'emploi Saint-Omer") == ["Saint-Omer"]
    assert places_in_title("Job à Vire", 1, None) == []  # no gazetteer, no place from a title
    # a perimeter field is a list of places: its first word is one
    assert [t.name for t in places_in_field("Vers, Vire", 1, known)] == ["Vers", "Vire"]


def test_a_glossary_expansion_is_a_name_with_the_role_its_sentence_gives(gazetteer: Gazetteer) -> None:
    expansion = "Centre d'information sur les droits des femmes et des familles"
    rows = document_entries([GlossaryEntry("CIDFF", expansion, 3)], [], load_lexicon())
    assert {r[0] for r in rows} == {"CIDFF", expansion} and len({r[2] for r in rows}) == 1
    extended = gazetteer.extended(rows)
    text = f"Le {expansion} accompagne les femmes, en partenariat avec la mission locale."
    found = {m.surface: m for m in extract_mentions([Block(text, 1)], extended, shared_nlp())}
    assert found[expansion].kind == "org" and found[expansion].role == "operator"
    assert found[expansion].key == rows[0][2]


def test_a_sentence_start_on_the_next_line_does_not_continue_a_name(gazetteer: Gazetteer) -> None:
    text = (
        "Mesure 1 : Un comité régional des compétences\n"
        "Ce comité, présidé par le préfet de région, se réunit."
    )
    mentions = extract_mentions([Block(text, 1, None, "title")], gazetteer, shared_nlp())
    assert not any(m.surface.endswith(" Ce") for m in mentions), [m.surface for m in mentions]
    assert any(m.kind == "person" and m.role == "pilot" for m in mentions)
