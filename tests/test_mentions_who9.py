"""Session 9 shapes of the prose, from the second held-out set (bench/entities_expected_heldout2.toml):
members named after a plural noun, a fronted cue before an EPCI's name, a nearer list cue, an adjective
joined by « et » at a name's end, funders after « et par »; on the graph side, a DROM's département, a
région's collectivité, a network member written with a place, short names kept apart; and the field readers:
a capitalised common noun is not a place, a plan's level, the head words read from the data."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from graph.actors import ActorResolver, DocContext
from graph.build import plan_level
from ingest.mentions import Block, Gazetteer, extract_mentions
from ingest.mentions.actions import shared_nlp
from ingest.mentions.normalize import fold
from ingest.records import DocumentRecord

DATA_DIR = Path(__file__).parent / "data"
EXTRA_ROWS = [  # what the graph side would pass for these sentences, written for the tests
    ("France Travail", "org", "france-travail"),
    ("Département", "org", "departement"),
    ("Action Logement", "org", "action-logement"),
    ("Dracénie Provence Verdon agglomération", "place", "epci:248300493"),
    ("Autun", "place", "com:71014"),
    ("Calvi", "place", "com:2B050"),
    ("Propriano", "place", "com:2A249"),
]


@pytest.fixture(scope="module")
def gazetteer(sentence_gazetteer) -> Gazetteer:
    return sentence_gazetteer(EXTRA_ROWS)


CASES = [
    (
        "Portée par les bailleurs sociaux Var Habitat et Mon Logis, l'action réserve des logements, en "
        "partenariat avec Action Logement.",
        [
            ("Var Habitat", "org", "pilot"),
            ("Mon Logis", "org", "pilot"),
            ("Action Logement", "org", "partner"),
        ],
    ),
    (
        "Sous la houlette de Dracénie Provence Verdon agglomération, la pépinière est conçue en "
        "co-construction avec France Travail.",
        [("Dracénie Provence Verdon agglomération", "org", "pilot"), ("France Travail", "org", "partner")],
    ),
    (
        "Le comité est animé par l'association Relais Emploi, en co-construction avec la Ville d'Autun, le "
        "Département et France Travail.",
        [
            ("association Relais Emploi", "org", "pilot"),
            ("Département", "org", "partner"),
            ("France Travail", "org", "partner"),
        ],
    ),
    (
        "Sous la houlette de l'Union régionale des sociétés coopératives et participatives, les coopératives "
        "de Calvi et de Propriano sont accompagnées.",
        [("Union régionale des sociétés coopératives et participatives", "org", "pilot")],
    ),
    (
        "Elle est financée par le Fonds d'expérimentation territoriale contre le chômage de longue durée et "
        "par le Département.",
        [
            ("Fonds d'expérimentation territoriale contre le chômage de longue durée", "org", "funder"),
            ("Département", "org", "funder"),
        ],
    ),
    (
        "La plateforme est pilotée par l'association Wimoov et financée par le Département.",
        [("association Wimoov", "org", "pilot"), ("Département", "org", "funder")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_who_of_a_sentence(gazetteer: Gazetteer, check_who, text: str, expected: list) -> None:
    check_who(gazetteer, text, expected)


def test_places_under_a_plural_noun_stay_places(gazetteer: Gazetteer) -> None:
    text = "Les coopératives de Calvi et de Propriano sont accompagnées dans leur transmission."
    mentions = extract_mentions([Block(text, 1)], gazetteer, shared_nlp())
    assert {m.surface for m in mentions if m.kind == "place"} >= {"Calvi", "Propriano"}
    assert not [m for m in mentions if m.kind == "org"]


def test_the_graph_side_of_new_regions(reference) -> None:
    resolver = ActorResolver(reference.territories, reference.lexicon, reference.aliases)
    ref = reference.territories
    reunion = DocContext("r", ref.get("region:04"), None)
    corse = DocContext("c", ref.get("region:94"), None)
    # a région of one département stands for it at the département level
    assert resolver.resolve("CAF de La Réunion", reunion).id == "actor:caf--departement-974"
    assert resolver.resolve("Département de La Réunion", reunion).id == "actor:departement--departement-974"
    assert resolver.resolve("Caisse d'allocations familiales", reunion).id == "actor:caf--departement-974"
    assert resolver.resolve("Région Réunion", reunion).id == "actor:region--region-04"
    assert resolver.resolve("DEETS", reunion).id == "actor:dreets--region-04"
    assert resolver.resolve("CIREST", reunion).id == "actor:collectivite--epci-249740093"
    # a région's collectivity under its own name; Corse has two départements: the CAF needs its own
    assert resolver.resolve("Collectivité de Corse", corse).id == "actor:region--region-94"
    assert resolver.resolve("CAF de Corse-du-Sud", corse).id == "actor:caf--departement-2A"
    # a network's member written with a place is its own organisation, the network's plural is the network
    assert resolver.resolve("Mission locale Nord", reunion).id == "actor:mission-locale-nord"
    assert resolver.resolve("Missions locales", reunion).id == "actor:missions-locales"
    # a short name one letter from a lexicon acronym is another organisation
    assert resolver.resolve("Inseme", corse).id == "actor:inseme"
    assert resolver.resolve("INSEE", corse).id == "actor:insee"


def test_a_capitalised_common_noun_is_not_a_place(reference) -> None:
    from graph.linking import TerritoryLinker
    from ingest.places import places_in_field

    known = TerritoryLinker(reference.territories).is_place

    def names(text: str) -> list[str]:
        return [t.name for t in places_in_field(text, 1, known)]

    assert names("Zone portuaire de Saint-Aubin-des-Marches") == ["Saint-Aubin-des-Marches"]
    assert names("Quartiers prioritaires de Caen") == ["Caen"]
    assert names("Bocage virois") == ["Bocage"]  # a demonym after it: the place's own name
    assert names("Vire, Dieppe et Lisieux") == ["Vire", "Dieppe", "Lisieux"]


@pytest.mark.parametrize(
    ("issuer", "title", "kind", "level"),
    [
        ("PRÉFET DE LA RÉGION NORMANDIE", "Mobilisation pour l'emploi", "plan d'actions", "region"),
        ("Le Département de l'Eure", "Pacte", "PTI (pacte territorial pour l'insertion)", "departement"),
        (None, "Plan départemental de mobilité solidaire de La Réunion", None, "departement"),
        (None, "Contrat de ville de Troyes", "plan régional", "region"),
        (None, "Contrat de ville de Troyes", None, None),
    ],
)
def test_a_plan_level_from_its_issuer_title_then_kind(issuer, title, kind, level) -> None:
    doc = DocumentRecord("d", "d.txt", "0", "txt", title=title, issuer=issuer, kind=kind)
    assert plan_level(doc) == level


def test_field_heads_come_from_the_data() -> None:
    from ingest.org_names import organisation_heads
    from ingest.orgs import split_orgs

    with (Path(__file__).parent.parent / "ingest" / "data" / "role_cues.toml").open("rb") as fh:
        heads = tomllib.load(fh)["organisations"]["heads"]
    assert {fold(h) for h in heads} <= organisation_heads()
    assert [o.name for o in split_orgs(["ASSOCIATION ENTRAIDE ET FONDATION SOLIDARITE"], 1)[0]] == [
        "ASSOCIATION ENTRAIDE",
        "FONDATION SOLIDARITE",
    ]
