"""Session 11 shapes of the prose, from the fourth held-out set (bench/entities_expected_heldout4.toml): a
number or a lower-case adjective closing a name, « de la » inside a member's name, « dont le pilotage est
assuré par », a lower-case head with its adjective (« le centre hospitalier de X »), a NER name cut before
« du », « A et B co-pilotent l'action avec C », a place after a contracted article (« au Lamentin »), an
acronym as written before a commune of the same letters, a département by its number; and the graph side of
the last two."""

from __future__ import annotations

import pytest

from graph.linking import gazetteer_rows
from ingest.mentions import Block, Gazetteer, extract_mentions
from ingest.mentions.actions import shared_nlp
from ingest.mentions.normalize import fold
from ingest.mentions.trie import PhraseTrie
from tests.test_roles import plan_graph

EXTRA_ROWS = [  # what the graph side would pass for these sentences, written for the tests
    ("Lamentin", "place", "com:97115"),
    ("Le Lamentin", "place", "com:97213"),
    ("Le Robert", "place", "com:97222"),
    ("Sare", "place", "com:64504"),
    ("SARE", "dispositif", "dispositif:sare"),
    ("93", "place", "departement:93"),
    ("13", "place", "departement:13"),
    ("Aubagne", "place", "com:13005"),
    ("Gardanne", "place", "com:13041"),
    ("Le Trait", "place", "com:76709"),
]


@pytest.fixture(scope="module")
def gazetteer(sentence_gazetteer) -> Gazetteer:
    return sentence_gazetteer(EXTRA_ROWS)


CASES = [
    (
        "Les chantiers sont co-pilotés par l'association Provence Insertion 13 et l'Office national des "
        "forêts.",
        [
            ("association Provence Insertion 13", "org", "pilot"),
            ("Office national des forêts", "org", "pilot"),
        ],
    ),
    (
        "La Chambre de métiers et de l'artisanat et la Mission locale du Pays salonais co-pilotent ces "
        "parcours.",
        [("Mission locale du Pays salonais", "org", "pilot")],
    ),
    (
        "L'action associe la Mission locale du Centre de la Martinique ainsi que France Travail.",
        [
            ("Mission locale du Centre de la Martinique", "org", "partner"),
            ("France Travail", "org", "partner"),
        ],
    ),
    (
        "La ressourcerie, dont le pilotage est assuré par l'association Emmaüs Solidaire, ouvre en mars.",
        [("association Emmaüs Solidaire", "org", "pilot")],
    ),
    (
        "La plateforme est placée sous la responsabilité du centre hospitalier d'Aubagne, qui associe la "
        "Maison de l'emploi et de la formation du Pays de Gardanne.",
        [
            ("centre hospitalier d'Aubagne", "org", "pilot"),
            ("Maison de l'emploi et de la formation du Pays de Gardanne", "org", "partner"),
        ],
    ),
    (
        "La CAPEB et la Fédération du bâtiment co-pilotent l'action avec France Travail.",
        [("CAPEB", "org", "pilot"), ("France Travail", "org", "pilot")],
    ),
    (
        "Partenaires :\n- la CAF ;\n- l'association Ensemble Vers l'Emploi 93.",
        [("association Ensemble Vers l'Emploi 93", "org", "partner")],
    ),
    (
        "Les permanences se tiennent au Lamentin et au Robert.",
        [("Lamentin", "place", "perimeter"), ("Robert", "place", "perimeter")],
    ),
    ("Elle s'adresse aux habitants du 93.", [("93", "place", "perimeter")]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_who_of_a_sentence(gazetteer: Gazetteer, check_who, text: str, expected: list) -> None:
    check_who(gazetteer, text, expected)


def test_a_name_after_a_contracted_article_is_the_place_with_it(gazetteer: Gazetteer) -> None:
    mentions = extract_mentions([Block("Un forum au Lamentin et au Robert.", 1)], gazetteer, shared_nlp())
    assert {(m.surface, m.key) for m in mentions} == {("Lamentin", "com:97213"), ("Robert", "com:97222")}


def test_a_common_noun_after_a_contracted_article_is_no_place(gazetteer: Gazetteer, who_of) -> None:
    got = who_of(gazetteer, "Le service cartographie le recul du trait de côte avec la CAF.")
    assert not [g for g in got if g[0] == "trait"], sorted(got)
    assert (fold("CAF"), "org", "mentioned") in got  # the sentence was read


def test_an_acronym_as_written_is_no_commune_of_the_same_letters(gazetteer: Gazetteer, who_of) -> None:
    got = who_of(gazetteer, "Il porte le service d'accompagnement (SARE) pour les ménages.")
    assert (fold("SARE"), "dispositif", "mentioned") in got
    assert not [g for g in got if g[1] == "place"], sorted(got)


@pytest.mark.parametrize(
    "text",
    [
        "Le forum accueille 93 entreprises le 13 mars.",
        "Rendez-vous au 13 rue des Lilas.",
        "L'association Ensemble Vers l'Emploi 93 recrute.",
    ],
)
def test_a_number_that_counts_or_ends_a_name_is_no_departement(gazetteer: Gazetteer, who_of, text) -> None:
    assert not [g for g in who_of(gazetteer, text) if g[1] == "place" and g[0][:1].isdigit()]


def test_a_trie_walk_from_a_first_word() -> None:
    trie: PhraseTrie[str] = PhraseTrie()
    trie.add(("le", "lamentin"), "a")
    trie.add(("le", "robert"), "b")
    assert list(trie.find_from("le", ["au", "lamentin", "et"], 1)) == [(2, ["a"])]
    assert list(trie.find_from("les", ["au", "lamentin"], 1)) == []


def test_the_graph_side_passes_departement_numbers(reference) -> None:
    rows = set(gazetteer_rows(reference))
    assert ("93", "place", "departement:93") in rows
    assert ("2A", "place", "departement:2A") in rows


def test_the_graph_draws_the_place_read_with_its_article(reference, tmp_path) -> None:
    text = (
        "Plan territorial pour l'insertion des jeunes de Martinique 2026-2028\n\n"
        "Action 1 : Des permanences pour les jeunes\n"
        "L'action est portée par la Mission locale du Nord de la Martinique. Les permanences se tiennent au "
        "Lamentin et au Robert.\n\n"
        "Action 2 : Un accompagnement renforcé\n"
        "L'action est portée par France Travail pour les habitants du 972.\n"
    )
    g, store = plan_graph(tmp_path, "plan-martinique.txt", text, reference)
    store.close()
    places = {
        dst.removeprefix("territory:")
        for _, dst, e in g.edges(data=True)
        if e.get("kind") == "in" and str(dst).startswith("territory:")
    }
    assert {"commune:97213", "commune:97222", "departement:972"} <= places, sorted(places)
    assert "commune:97115" not in places
