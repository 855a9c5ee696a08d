"""Session 12 shapes of the prose, from the fifth held-out set (bench/entities_expected_heldout5.toml): a
passive cue against the folded subject form (« est piloté par »), the passive agent of a subject verb («
organisé à X par Y »), relatives whose subject follows the verb (« que copilotent A et B »), « dont X
assure le portage », « X en assure la gestion », « intervient en appui », a name cut before a cue,
capitalised common words after « et » inside a name (« SNCF Gares et Connexions »), a day and an hour that
are no département, a lower-case noun that is no place (« la réunion »), a network member's name with a
lower-case adjective, a place after an organisation word, a one-word « person » in a list of places, the
organisation of a person's function (« coordinatrice de la CPTS », in a sentence and in a CONTACTS block);
and the graph side of a contact's organisation against the pilots the sentences write."""

from __future__ import annotations

import pytest

from ingest.mentions import Block, Gazetteer, extract_mentions
from ingest.mentions.actions import shared_nlp
from ingest.mentions.normalize import fold
from tests.test_roles import plan_graph

EXTRA_ROWS = [  # what the graph side would pass for these sentences, written for the tests
    ("Chambre de commerce et d'industrie de la Guyane", "org", "cci"),
    ("Caisse d'allocations familiales du Doubs", "org", "caf"),
    ("Banque des Territoires", "org", "banque-des-territoires"),
    ("Mission locale", "org", "missions-locales"),
    ("Kourou", "place", "com:97304"),
    ("Guyane", "place", "region:03"),
    ("La Réunion", "place", "region:04"),
    ("13", "place", "departement:13"),
    ("Sochaux", "place", "com:25547"),
    ("Étupes", "place", "com:25228"),
    ("Pays de Montbéliard Agglomération", "place", "epci:200065647"),
]


@pytest.fixture(scope="module")
def gazetteer(sentence_gazetteer) -> Gazetteer:
    return sentence_gazetteer(EXTRA_ROWS)


CASES = [
    (
        "Le contrat est piloté par Pays de Montbéliard Agglomération et l'État pour chacune de ses actions.",
        [("Pays de Montbéliard Agglomération", "org", "pilot"), ("État", "org", "pilot")],
    ),
    (
        "Le forum est organisé à Kourou par la Chambre de commerce et d'industrie de la Guyane.",
        [
            ("Chambre de commerce et d'industrie de la Guyane", "org", "operator"),
            ("Kourou", "place", "perimeter"),
        ],
    ),
    (
        "L'accompagnement, que copilotent l'association Solidarité Femmes Montbéliard et la Caisse "
        "d'allocations familiales du Doubs, s'adresse aux habitantes.",
        [
            ("association Solidarité Femmes Montbéliard", "org", "pilot"),
            ("Caisse d'allocations familiales du Doubs", "org", "pilot"),
        ],
    ),
    (
        "Ces chantiers, dont l'association Fleuve Emploi Guyane assure le portage, reçoivent le concours "
        "financier de la Banque des Territoires.",
        [
            ("association Fleuve Emploi Guyane", "org", "pilot"),
            ("Banque des Territoires", "org", "funder"),
        ],
    ),
    (
        "L'association Guyane Mobilité Solidaire en assure la gestion.",
        [("association Guyane Mobilité Solidaire", "org", "operator")],
    ),
    (
        "Elle est portée par la Mission locale régionale de Guyane ; la Communauté de communes de l'Est "
        "guyanais intervient en appui.",
        [
            ("Mission locale régionale de Guyane", "org", "pilot"),
            ("Communauté de communes de l'Est guyanais", "org", "partner"),
        ],
    ),
    (
        "Les navettes sont portées par la Communauté d'agglomération d'Épinal en lien avec SNCF Gares et "
        "Connexions et la Région.",
        [
            ("Communauté d'agglomération d'Épinal", "org", "pilot"),
            ("SNCF Gares et Connexions", "org", "partner"),
            ("Région", "org", "partner"),
        ],
    ),
    (
        "L'action prépare les habitants de Sochaux, d'Étupes et de Bart aux métiers de l'automobile.",
        [("Sochaux", "place", "perimeter"), ("Étupes", "place", "perimeter"), ("Bart", "place", "perimeter")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_who_of_a_sentence(gazetteer: Gazetteer, check_who, text: str, expected: list) -> None:
    check_who(gazetteer, text, expected)


@pytest.mark.parametrize(
    "text", ["La première navette part le 13 à 14 h.", "Le salon se tient du 13 au 15 avril."]
)
def test_a_day_and_an_hour_are_no_departement(gazetteer: Gazetteer, who_of, text: str) -> None:
    assert not [g for g in who_of(gazetteer, text) if g[1] == "place"], text


def test_a_lower_case_noun_is_no_place_of_a_capitalised_name(gazetteer: Gazetteer, who_of) -> None:
    assert not [g for g in who_of(gazetteer, "La réunion a lieu en mairie.") if g[1] == "place"]
    assert (fold("La Réunion"), "place", "perimeter") in who_of(gazetteer, "Les jeunes de La Réunion.")


def test_a_place_after_an_organisation_word_is_not_its_name(gazetteer: Gazetteer, who_of) -> None:
    got = who_of(gazetteer, "Elle ouvre une maison de santé à Kourou.")
    assert (fold("Kourou"), "place", "perimeter") in got, sorted(got)
    assert not [g for g in got if g[1] == "org" and "kourou" in g[0]], sorted(got)


def test_a_capitalised_proper_noun_after_et_is_another_organisation(gazetteer: Gazetteer, who_of) -> None:
    got = who_of(gazetteer, "Le projet est financé par la Banque des Territoires et Enedis.")
    assert not [g for g in got if "enedis" in g[0] and "banque" in g[0]], sorted(got)


def test_the_organisation_of_a_function_in_a_sentence(gazetteer: Gazetteer) -> None:
    text = "Mme Claire Vautrin, coordinatrice de la CPTS, suit le projet."
    mentions = extract_mentions([Block(text, 1)], gazetteer, shared_nlp())
    person = next(m for m in mentions if m.kind == "person")
    assert person.affiliation == "CPTS"
    assert ("CPTS", "org") in {(m.surface, m.kind) for m in mentions}


@pytest.mark.parametrize(
    "text",
    [
        "Coordinatrice de la CPTS : Mme Julie Roux\njulie.roux@cpts.fr",
        "Mme Julie Roux, coordinatrice de la CPTS\njulie.roux@cpts.fr",
        "Julie Roux\nCoordinatrice de la CPTS\njulie.roux@cpts.fr",
    ],
)
def test_the_organisation_of_a_function_in_contacts(gazetteer: Gazetteer, text: str) -> None:
    mentions = extract_mentions([Block(text, 1, None, "contacts")], gazetteer, shared_nlp())
    got = {(m.surface, m.kind, m.role) for m in mentions}
    assert ("CPTS", "org", "pilot") in got, sorted(got)
    person = [m for m in mentions if m.kind == "person"]
    assert [m.role for m in person] == ["contact"] and person[0].affiliation == "CPTS", sorted(got)
    assert not [m for m in mentions if "@" in m.surface], sorted(got)


PLAN = (
    "Plan territorial d'insertion de la Guyane 2026-2029\n\n"
    "Axe 1 : Rapprocher les habitants des entreprises\n\n"
    "Fiche 1 : Un forum des métiers\n"
    "Le forum est organisé à Kourou par la Chambre de commerce et d'industrie de la Guyane, à l'initiative "
    "de France Travail.\n"
    "Contact : Mme Léa Sinaï, chargée de mission à la CCI Guyane, lea.sinai@cci-guyane.fr\n\n"
    "Fiche 2 : Un salon de l'alternance\n"
    "Le salon se tient à Cayenne chaque printemps.\n"
    "Contact : M. Paul Ho, chargé de mission à la CCI Guyane, paul.ho@cci-guyane.fr\n"
)


def test_a_contacts_organisation_gives_way_to_the_pilots_written(reference, tmp_path) -> None:
    g, store = plan_graph(tmp_path, "plan-guyane.txt", PLAN, reference)
    store.close()

    def kinds(title: str) -> dict[str, set[str]]:
        node = next(n for n, d in g.nodes(data=True) if d.get("type") == "action" and title in d["label"])
        out: dict[str, set[str]] = {}
        for _, dst, e in g.out_edges(node, data=True):
            out.setdefault(e["kind"], set()).add(dst)
        return out

    forum = kinds("forum")
    assert forum.get("piloted_by") == {"actor:france-travail"}, forum
    assert "actor:cci--departement-973" in forum.get("operator", set()), forum
    salon = kinds("salon")  # no pilot written: the contact's organisation carries it, as before
    assert salon.get("piloted_by") == {"actor:cci--departement-973"}, salon
