"""Session 8 shapes of the prose, from the held-out set of other regions and families
(bench/entities_expected_heldout.toml): two persons after one cue, a cue with an adverb inside, a name in
capitals with its small words, a bulleted list of partners, a subject after a fronted list, a network
member's own name, an EPCI named by its territory as an organisation; and on
the graph side, a function's written territory and a lexicon name of many words before its territory."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.actors import ActorResolver, DocContext
from ingest.mentions import Block, Gazetteer, extract_mentions
from ingest.mentions.actions import shared_nlp
from ingest.mentions.extract import join_lists
from ingest.mentions.normalize import fold

DATA_DIR = Path(__file__).parent / "data"
EXTRA_ROWS = [  # what the graph side would pass for these sentences, written for the tests
    ("Région", "org", "region"),
    ("AGEFIPH", "org", "agefiph"),
    ("Cap emploi", "org", "cap-emploi"),
    ("Mission locale", "org", "missions-locales"),
    ("État", "org", "etat"),
    ("Caisse d'allocations familiales", "org", "caf"),
    ("Troyes Champagne Métropole", "place", "epci:200069250"),
    ("Lorient", "place", "com:56121"),
]


@pytest.fixture(scope="module")
def gazetteer(gazetteer_rows) -> Gazetteer:
    return Gazetteer(gazetteer_rows + EXTRA_ROWS, shared_nlp())


CASES = [
    (
        "La conférence, coprésidée par le Président du Conseil départemental et le préfet de l'Hérault, "
        "se réunit deux fois par an.",
        [
            ("Président du Conseil départemental", "person", "pilot"),
            ("préfet de l'Hérault", "person", "pilot"),
        ],
    ),
    (
        "Ce comité, présidé conjointement par le préfet de région, se réunit chaque trimestre.",
        [("préfet de région", "person", "pilot")],
    ),
    (
        "Ils sont animés par l'association ROUTES ET CHEMINS DE L'EMPLOI, avec le soutien de l'État.",
        [("association ROUTES ET CHEMINS DE L'EMPLOI", "org", "pilot"), ("État", "org", "funder")],
    ),
    (
        "Il mobilise notamment :\n- la Caisse d'allocations familiales ;\n"
        "- l'Union départementale des associations familiales ;\n"
        "- le Centre d'information sur les droits des femmes et des familles.",
        [
            ("Caisse d'allocations familiales", "org", "partner"),
            ("Union départementale des associations familiales", "org", "partner"),
            ("Centre d'information sur les droits des femmes et des familles", "org", "partner"),
        ],
    ),
    (
        "En lien avec l'AGEFIPH et Cap emploi, la Région finance des parcours d'accès à la qualification.",
        [("AGEFIPH", "org", "partner"), ("Cap emploi", "org", "partner"), ("Région", "org", "funder")],
    ),
    (
        "L'action est conduite par la Mission locale du Pays de Lorient.",
        [("Mission locale du Pays de Lorient", "org", "pilot")],
    ),
    (
        "La cité de l'emploi est copilotée par l'État et Troyes Champagne Métropole.",
        [("État", "org", "pilot"), ("Troyes Champagne Métropole", "org", "pilot")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_who_of_a_sentence(gazetteer: Gazetteer, text: str, expected: list[tuple[str, str, str]]) -> None:
    found = {
        (fold(m.surface), m.kind, m.role)
        for m in extract_mentions([Block(text, 1)], gazetteer, shared_nlp())
        if m.kind != "place"
    }
    for surface, kind, role in expected:
        assert (fold(surface), kind, role) in found, (surface, sorted(found))


def test_a_bulleted_list_is_joined_with_its_offsets_kept() -> None:
    text = "Il associe :\n- la CAF ;\n- l'UDAF.\nSuite : rien.\n- pas une liste"
    joined = join_lists(text)
    assert len(joined) == len(text)
    assert joined == "Il associe :\n  la CAF  \n, l'UDAF.\nSuite : rien.\n- pas une liste"
    assert join_lists("Une phrase.\n- un tiret") == "Une phrase.\n- un tiret"


def test_a_function_keeps_its_territory_and_a_long_name_splits_before_its_own(reference) -> None:
    resolver = ActorResolver(reference.territories, reference.lexicon, reference.aliases)
    orne = reference.territories.lookup("Orne", levels=("departement",))[0]
    normandie = reference.territories.lookup("Normandie", levels=("region",))[0]
    ctx = DocContext("d", normandie, orne)
    assert resolver.institution_of("préfet de l'Hérault", ctx) == "Préfecture de l'Hérault"
    assert resolver.resolve("Préfecture de l'Hérault", ctx).id == "actor:prefecture--departement-34"
    assert resolver.institution_of("préfète", ctx) == "Préfecture Orne"  # a departmental plan's préfet
    assert resolver.institution_of("préfet de région", ctx) == "Préfecture"
    assert resolver.institution_of("directrice de l'école", ctx) is None
    cma = resolver.resolve("Chambre de métiers et de l'artisanat de l'Hérault", ctx)
    assert cma.id == "actor:cma--departement-34"


def test_et_in_capitals_starts_a_name_only_before_one() -> None:
    from ingest.orgs import split_orgs

    def names(field: str) -> list[str]:
        return [o.name for o in split_orgs([field], 1)[0]]

    assert names("ASSOCIATION ROUTES ET CHEMINS DE L'EMPLOI") == ["ASSOCIATION ROUTES ET CHEMINS DE L'EMPLOI"]
    assert names("CCI ET CMA") == ["CCI", "CMA"]
    assert names("POLE EMPLOI ET MISSION LOCALE") == ["POLE EMPLOI", "MISSION LOCALE"]
    assert names("FRANCE TRAVAIL ET DEPARTEMENT DU CALVADOS") == ["FRANCE TRAVAIL", "DEPARTEMENT DU CALVADOS"]
