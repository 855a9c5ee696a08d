"""Session 14 shapes, from a Savoie PDIE read as a new user would and the seventh held-out set
(bench/entities_expected_heldout7.toml): « Label : » lines one under the other (a pilot's name stops at its
line), a sentence pilot of a part of the action beside a labelled pilot row (a partner), a resort and a
valley that share the name of a far small commune (not linked), a capitalised article inside a sentence (the
place's), a bare word of direction that is no EPCI (« dans le Sud »), a DROM région standing for its one
département, an acronym right after a role cue (« sous la houlette de SNCF Gares et Connexions »)."""

from __future__ import annotations

import pytest

from graph.linking import TerritoryLinker
from ingest.mentions import Block, Gazetteer, extract_mentions
from ingest.mentions.actions import shared_nlp
from ingest.mentions.normalize import fold
from tests.test_roles import plan_graph

EXTRA_ROWS = [("Moûtiers", "place", "commune:73181"), ("Région Grand Est", "org", "region")]


@pytest.fixture(scope="module")
def gazetteer(sentence_gazetteer) -> Gazetteer:
    return sentence_gazetteer(EXTRA_ROWS)


@pytest.mark.parametrize("label", ["Territoire", "Public", "Public visé", "- Partenaires"])
def test_a_label_line_ends_the_name_above_it(gazetteer: Gazetteer, label: str) -> None:
    text = f"Pilote : Maison de l'emploi du bassin chambérien\n{label} : saisonniers de Moûtiers"
    mentions = extract_mentions([Block(text, 1)], gazetteer, shared_nlp())
    orgs = [m.surface for m in mentions if m.kind == "org"]
    assert orgs == ["Maison de l'emploi du bassin chambérien"], orgs


def test_no_list_of_pilots_runs_on_to_the_prose_below_its_row(gazetteer: Gazetteer, who_of) -> None:
    text = "Pilote : Maison de l'emploi du bassin chambérien\nLe Département réserve une enveloppe aux frais."
    got = who_of(gazetteer, text)
    assert (fold("Maison de l'emploi du bassin chambérien"), "org", "pilot") in got, sorted(got)
    assert not [g for g in got if g[2] == "pilot" and "departement" in g[0]], sorted(got)
    wrapped = who_of(gazetteer, "Description : Le projet est porté par\nla Mission locale du Bocage.")
    assert (fold("Mission locale du Bocage"), "org", "pilot") in wrapped, sorted(wrapped)


def test_a_capitalised_article_inside_a_sentence_is_the_places(gazetteer: Gazetteer) -> None:
    text = "Le guichet accueille les saisonniers à Moûtiers et sur le site de La Plagne."
    places = {
        m.surface for m in extract_mentions([Block(text, 1)], gazetteer, shared_nlp()) if m.kind == "place"
    }
    assert "La Plagne" in places and "Plagne" not in places, places


@pytest.mark.parametrize(
    ("text", "pilot"),
    [
        (
            "Le pôle d'échanges est réaménagé sous la houlette de SNCF Gares et Connexions, en lien avec la "
            "Région Grand Est.",
            "SNCF Gares et Connexions",
        ),
        ("Le projet est mené sous la houlette de la SNCF pour les trajets.", "SNCF"),
    ],
)
def test_an_acronym_right_after_a_role_cue_is_an_organisation(
    gazetteer: Gazetteer, who_of, text: str, pilot: str
) -> None:
    got = who_of(gazetteer, text)
    assert (fold(pilot), "org", "pilot") in got, sorted(got)


def test_a_far_small_commune_is_no_bare_match(reference) -> None:
    savoie = TerritoryLinker(reference.territories, department="Savoie")
    assert savoie.link("La Plagne").id is None  # not Plagne (Ain)
    assert savoie.link("Tarentaise").id is None  # not the Loire village
    assert savoie.link("Tarentaise").parent == "departement:73"
    assert savoie.link("Plagne (01)").id == "commune:01298"  # its département written: kept
    assert savoie.link("Bassens").id == "commune:73031"
    assert savoie.link("Brides-les-Bains").id == "commune:73057"  # small, but in the département
    assert savoie.link("Annecy").id == "commune:74010"  # large: kept outside the département
    anywhere = TerritoryLinker(reference.territories)
    assert anywhere.link("Tarentaise").id == "commune:42306"  # no territory of the document: as before


def test_a_drom_region_is_its_one_departement(reference) -> None:
    martinique = TerritoryLinker(reference.territories, region="Martinique")
    assert martinique.department is not None and martinique.department.id == "departement:972"
    assert martinique.link("Le Prêcheur").id == "commune:97219"
    assert TerritoryLinker(reference.territories, region="Occitanie").department is None


def test_a_word_of_direction_is_no_epci(reference) -> None:
    ref = reference.territories
    assert ref.lookup("Sud") == [] and ref.lookup("le Sud") == []
    assert [t.id for t in ref.lookup("CA du Sud")] == ["epci:249740085"]


PLAN = (
    "Plan départemental d'insertion et d'emploi de la Savoie 2027-2031\n\n"
    "Axe 1 : L'emploi saisonnier\n\n"
    "Fiche action 1 : Des chantiers d'insertion en Maurienne\n"
    "Pilote : Département de la Savoie\n"
    "Territoire : Saint-Jean-de-Maurienne\n"
    "Description : Les chantiers rénovent des chalets. Le comité de suivi, animé par la DDETS de la Savoie, "
    "se réunit deux fois par an.\n\n"
    "Fiche action 2 : Un garage solidaire\n"
    "Pilote : Mission locale Albertville Tarentaise\n"
    "Territoire : Albertville\n"
    "Description : Le garage répare les voitures des saisonniers. Il sera animé par l'association Roues "
    "Alpines.\n"
)


def _targets(g, title: str, kind: str) -> set[str]:
    """The targets of the `kind` edges of the action whose title holds `title`."""
    (node,) = [n for n, d in g.nodes(data=True) if d.get("type") == "action" and title in d["label"]]
    return {dst for _, dst, e in g.out_edges(node, data=True) if e["kind"] == kind}


def test_a_labelled_pilot_outranks_a_sentence_about_a_part(reference, tmp_path) -> None:
    g, store = plan_graph(tmp_path, "pdie-savoie.txt", PLAN, reference)
    store.close()
    assert _targets(g, "chantiers", "piloted_by") == {"actor:departement--departement-73"}
    assert "actor:ddets--departement-73" in _targets(g, "chantiers", "partner")
    garage = _targets(g, "garage", "piloted_by")  # « Il sera animé par X »: the action itself, a co-pilot
    assert "actor:association-roues-alpines" in garage, garage
    assert not [a for a in garage if "territoire" in a], garage


@pytest.mark.parametrize(
    ("written", "actor"),
    [
        ("la Fédération française du bâtiment de la Savoie", "actor:ffb--departement-73"),
        ("FFB Savoie", "actor:ffb--departement-73"),
        ("la CAF de la Savoie", "actor:caf--departement-73"),
        ("l'ARS", "actor:ars--region-84"),
        ("La Poste", "actor:la-poste"),  # a capitalised article is the name's
    ],
)
def test_a_rows_lower_case_article_is_not_the_organisations_name(reference, written: str, actor: str) -> None:
    from graph.actor_model import DocContext, load_aliases, load_lexicon
    from graph.actors import ActorResolver

    ref = reference.territories
    resolver = ActorResolver(ref, load_lexicon(), load_aliases())
    ctx = DocContext("pdie-savoie", ref.get("region:84"), ref.get("departement:73"))
    assert resolver.resolve(written, ctx).id == actor
