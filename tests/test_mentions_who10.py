"""Session 10 shapes of the prose, from the third held-out set (bench/entities_expected_heldout3.toml): shares
after funders, « maître d'ouvrage » and « co-animé par », a branch before its organisation (« l'antenne de X
de la Y »), « à l'exception de », the places of a public, a list after a label and a blank line, a function in
a CONTACTS entry; persons in a pilot field; and, end to end on a small plan, a plan-level pilot inherited by
the fiches that name none, an EPCI by its short or spelled-out name, an acting EPCI that is not the
perimeter, a national actor's branch named by a commune, one organisation that pilots and funds."""

from __future__ import annotations

import pytest

from graph.linking import epci_forms
from ingest.mentions import Gazetteer
from ingest.mentions.normalize import fold
from ingest.orgs import split_orgs
from tests.test_roles import plan_graph

EXTRA_ROWS = [  # what the graph side would pass for these sentences, written for the tests
    ("Cap Excellence", "place", "epci:200018653"),
    ("Fourmies", "place", "com:59249"),
    ("Landrecies", "place", "com:59331"),
    ("Communauté de communes de Commercy - Void - Vaucouleurs", "place", "epci:200066157"),
    ("Montreuil", "place", "com:93048"),
    ("Verdun", "place", "com:55545"),
    ("Étain", "place", "com:55181"),
]


@pytest.fixture(scope="module")
def gazetteer(sentence_gazetteer) -> Gazetteer:
    return sentence_gazetteer(EXTRA_ROWS)


CASES = [
    (
        "Plan de financement : État (60 %), Région (30 %), Département (10 %).",
        [("État", "org", "funder"), ("Région", "org", "funder"), ("Département", "org", "funder")],
    ),
    ("Cap Excellence est maître d'ouvrage de la nouvelle antenne.", [("Cap Excellence", "org", "pilot")]),
    (
        "Le forum est co-animé par France Travail et la CAF.",
        [("France Travail", "org", "pilot"), ("CAF", "org", "pilot")],
    ),
    (
        "L'action est conduite par l'antenne de Fourmies de la Mission locale Sambre Avesnois, qui tient des "
        "permanences à Landrecies.",
        [
            ("Mission locale Sambre Avesnois", "org", "pilot"),
            ("Fourmies", "place", "mentioned"),
            ("Landrecies", "place", "perimeter"),
        ],
    ),
    (
        "Le programme s'appuie sur France Travail et sur le Département.",
        [("France Travail", "org", "partner"), ("Département", "org", "partner")],
    ),
    (
        "Les postes sont ouverts dans tout le département, à l'exception de Montreuil.",
        [("Montreuil", "place", "mentioned")],
    ),
    (
        "Il est ouvert aux demandeurs d'emploi de plus de 50 ans de Verdun et d'Étain.",
        [("Verdun", "place", "perimeter"), ("Étain", "place", "perimeter")],
    ),
    (
        "Financeurs :\n\n- Région (50 %)\n- Communauté de communes de Commercy - Void - Vaucouleurs (30 %)\n"
        "- Département (20 %)",
        [
            ("Région", "org", "funder"),
            ("Communauté de communes de Commercy - Void - Vaucouleurs", "org", "funder"),
            ("Département", "org", "funder"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_who_of_a_sentence(gazetteer: Gazetteer, check_who, text: str, expected: list) -> None:
    check_who(gazetteer, text, expected)


def test_a_function_in_a_contacts_entry_is_not_an_organisation(gazetteer: Gazetteer, who_of) -> None:
    got = who_of(gazetteer, "Paul Lacroix, référent apprentissage, CAF : paul.lacroix@caf.fr", "contacts")
    assert (fold("CAF"), "org", "pilot") in got
    assert not [g for g in got if g[0].startswith("referent")], sorted(got)


@pytest.mark.parametrize(
    ("field", "orgs"),
    [
        ("M. Thomas Girard, chargé de mission à la DDETS de la Meuse.", ["DDETS de la Meuse"]),
        ("Julie Morel, chargée de mission emploi au Département de la Sarthe", ["Département de la Sarthe"]),
        ("Président du Conseil départemental", ["Conseil départemental"]),
        ("France Travail, Cap emploi", ["France Travail", "Cap emploi"]),
    ],
)
def test_persons_in_a_pilot_field_give_their_organisation(field: str, orgs: list[str]) -> None:
    found_orgs, people = split_orgs([field], 1)
    assert [o.name for o in found_orgs] == orgs
    assert all(p.org in (orgs[0], None) for p in people)


def test_an_epci_has_its_spelled_out_and_short_names() -> None:
    assert epci_forms("CA du Grand Verdun", set()) == [
        "Communauté d'agglomération du Grand Verdun",
        "Grand Verdun",
    ]
    assert epci_forms("CC de Commercy - Void - Vaucouleurs", set()) == [
        "Communauté de communes de Commercy - Void - Vaucouleurs"
    ]
    # an area word after the article names the area more often than the EPCI; a commune's name stays its own
    assert epci_forms("CA du Pays de Saint-Omer", set()) == [
        "Communauté d'agglomération du Pays de Saint-Omer"
    ]
    assert epci_forms("CA Grand Verdun", {"grand verdun"}) == ["Communauté d'agglomération Grand Verdun"]


PLAN = """Programme départemental d'insertion de la Meuse 2025-2029

Le Département de la Meuse pilote le programme et chacune de ses fiches, sauf mention contraire.

Fiche 1 : Un accompagnement des allocataires
Les référents accompagnent les allocataires du RSA à Bar-le-Duc et à Ligny-en-Barrois, en lien avec France \
Travail.

Fiche 2 : Un pôle de compétences de la filière bois
La Communauté d'agglomération de Bar-le-Duc - Sud Meuse pilote la démarche, en lien avec l'AFPA. Les \
apprentis sont recrutés par les scieries de Revigny-sur-Ornain.

Fiche 3 : Un forum de l'emploi
Le forum est co-animé par l'agence France Travail de Verdun et la CA du Grand Verdun. Il se tient à Verdun.

Fiche 4 : Des places de crèche
Des places sont réservées aux parents de Commercy.
Référente de l'action : Mme Nadia Benali, chargée de mission petite enfance à la CAF de la Meuse.
L'action est financée par la CAF et par le Département.
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory, reference):
    return plan_graph(tmp_path_factory.mktemp("who10"), "plan-who10.txt", PLAN, reference)[0]


def out(g, fiche: str, kind: str) -> set[str]:
    node = next(
        n for n, d in g.nodes(data=True) if d.get("type") == "action" and d.get("ref", "").endswith(fiche)
    )
    return {dst.removeprefix("territory:") for _, dst, e in g.out_edges(node, data=True) if e["kind"] == kind}


def test_a_plan_level_pilot_goes_to_the_fiches_that_name_none(plan) -> None:
    assert out(plan, "1", "piloted_by") == {"actor:departement--departement-55"}
    assert out(plan, "1", "partner") == {"actor:france-travail"}
    assert out(plan, "2", "piloted_by") == {"actor:collectivite--epci-200033025"}


def test_an_acting_epci_is_not_the_perimeter_of_an_action_with_places_of_its_own(plan) -> None:
    assert out(plan, "2", "in") == {"commune:55427"}
    assert out(plan, "1", "in") == {"commune:55029", "commune:55291"}


def test_a_branch_of_a_national_actor_and_an_epci_by_its_kind_abbreviated(plan) -> None:
    assert out(plan, "3", "piloted_by") == {"actor:france-travail", "actor:collectivite--epci-200049187"}
    assert out(plan, "3", "in") == {"commune:55545"}


def test_a_referent_names_the_pilot_that_also_funds(plan) -> None:
    assert out(plan, "4", "piloted_by") == {"actor:caf--departement-55"}
    assert out(plan, "4", "funded_by") == {"actor:caf--departement-55", "actor:departement--departement-55"}


def test_the_inherited_pilot_keeps_its_evidence(plan) -> None:
    node = next(n for n, d in plan.nodes(data=True) if d.get("type") == "action" and d["ref"].endswith("1"))
    edge = next(e for _, dst, e in plan.out_edges(node, data=True) if e["kind"] == "piloted_by")
    assert "sauf mention contraire" in edge["quote"]
    assert edge["line_start"] == 3
