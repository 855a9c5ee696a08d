"""Session 14b shapes: organisation names with « et » inside them (a curly apostrophe, a name ending with a
lower-case word), a group of volunteers, a named association that does the action (no cue: the operator,
the pilot of a fiche that names none), a neighbourhood after « quartier » (no commune), a generic network
name in a document that names one branch of it, a DROM fiche with no place (région and département)."""

from __future__ import annotations

import pytest

from ingest.mentions import Gazetteer
from ingest.mentions.normalize import fold
from ingest.orgs import split_orgs
from tests.test_mentions_who14 import _targets
from tests.test_roles import plan_graph


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("Chambre de commerce et d’industrie", ["Chambre de commerce et d’industrie"]),
        (
            "Chambre de commerce et d’industrie de Bayonne et la CMA",
            ["Chambre de commerce et d’industrie de Bayonne", "CMA"],
        ),
        ("Association Cycles et solidarité", ["Association Cycles et solidarité"]),
        (
            "CCI, Association Cycles et solidarité et la Région",
            ["CCI", "Association Cycles et solidarité", "Région"],
        ),
        (
            "Association Coup de pouce, étudiants volontaires",
            ["Association Coup de pouce", "étudiants volontaires"],
        ),
        ("communes volontaires", ["communes volontaires"]),
        # still two: a plural, an organisation head after « et »
        ("Association Emmaüs et région", ["Association Emmaüs", "région"]),
        ("Pôle emploi et partenaires", ["Pôle emploi", "partenaires"]),
    ],
)
def test_et_inside_one_name_and_volunteers(field: str, names: list[str]) -> None:
    orgs, _ = split_orgs([field], 1)
    assert [o.name for o in orgs] == names


def test_cfa_volontaires_is_the_cfa_noted() -> None:
    orgs, _ = split_orgs(["plusieurs CFA volontaires"], 1)
    assert [(o.name, o.note) for o in orgs] == [("plusieurs CFA", "volontaires")]


EXTRA_ROWS = [("Fleurance", "place", "commune:32132")]


@pytest.fixture(scope="module")
def gazetteer(sentence_gazetteer) -> Gazetteer:
    return sentence_gazetteer(EXTRA_ROWS)


def test_a_named_association_doing_the_action_operates_it(gazetteer: Gazetteer, who_of) -> None:
    text = (
        "Pour lever le frein de la mobilité, l'association Gers Mobilité Solidaire ouvre un garage solidaire "
        "à Fleurance et prête des scooters aux demandeurs d'emploi."
    )
    got = who_of(gazetteer, text)
    assert (fold("association Gers Mobilité Solidaire"), "org", "operator") in got, sorted(got)
    # « être » does nothing: a mention, no role
    got = who_of(gazetteer, "L'association Gers Mobilité Solidaire est connue des habitants.")
    assert (fold("association Gers Mobilité Solidaire"), "org", "mentioned") in got, sorted(got)


GERS = (
    "Plan départemental d'insertion du Gers 2027-2031\n\n"
    "Axe 1 : La mobilité\n\n"
    "Fiche action 1 : Un garage solidaire\n"
    "Description : Pour lever le frein de la mobilité, l'association Gers Mobilité Solidaire ouvre un garage "
    "solidaire à Fleurance et prête des scooters aux demandeurs d'emploi.\n\n"
    "Fiche action 2 : Des scooters pour l'emploi\n"
    "Pilote : Département du Gers\n"
    "Description : L'association Gers Mobilité Solidaire ouvre un atelier de réparation pour les jeunes.\n"
)


def test_the_doer_pilots_a_fiche_that_names_no_pilot(reference, tmp_path) -> None:
    g, store = plan_graph(tmp_path, "pdi-gers.txt", GERS, reference)
    store.close()
    assert any("gers-mobilite-solidaire" in a for a in _targets(g, "garage", "piloted_by")), _targets(
        g, "garage", "piloted_by"
    )
    scooters = _targets(g, "scooters", "piloted_by")
    assert not any("gers-mobilite-solidaire" in a for a in scooters), scooters
    assert any("gers-mobilite-solidaire" in a for a in _targets(g, "scooters", "operator"))


def test_a_place_after_quartier_is_a_neighbourhood(sentence_gazetteer, reference) -> None:
    from graph.linking import TerritoryLinker
    from ingest.mentions import Block, extract_mentions
    from ingest.mentions.actions import shared_nlp
    from ingest.places import places_in_field

    known = {"Bayonne", "Anglet", "Sainte-Croix", "Lormont"}
    field = places_in_field("Bayonne (quartier Sainte-Croix), Anglet", 1, known.__contains__)
    assert [t.name for t in field] == ["Bayonne", "quartier Sainte-Croix", "Anglet"]
    lormont = places_in_field("Quartiers prioritaires de Lormont", 1, known.__contains__)
    assert [t.name for t in lormont] == ["Lormont"]  # the quarters of a commune: the commune
    linker = TerritoryLinker(
        reference.territories, region="Nouvelle-Aquitaine", department="Pyrénées-Atlantiques"
    )
    quarter = linker.link("quartier Sainte-Croix")
    assert quarter.id is None and quarter.parent == "departement:64", quarter
    assert linker.link("QPV Sainte-Croix").id is None
    assert linker.link("Bayonne").id == "commune:64102"
    gazetteer = sentence_gazetteer(
        [("Sainte-Croix", "place", "commune:24393"), ("Bayonne", "place", "commune:64102")]
    )
    text = "Les ateliers ont lieu dans le quartier prioritaire Sainte-Croix à Bayonne."
    places = {
        (m.surface, m.key)
        for m in extract_mentions([Block(text, 1)], gazetteer, shared_nlp())
        if m.kind == "place"
    }
    assert places == {("quartier prioritaire Sainte-Croix", None), ("Bayonne", "commune:64102")}, places


BRANCHES = (
    "Plan départemental d'insertion du Gers 2027-2031\n\n"
    "Axe 1 : L'accompagnement\n\n"
    "Fiche action 1 : Un parcours vers l'emploi\n"
    "Pilote : Département du Gers\n"
    "Partenaires : Mission locale du Gers, CAF du Gers\n"
    "Description : Les jeunes sont accompagnés par la Mission locale pendant six mois.\n\n"
    "Fiche action 2 : Des chantiers du bâtiment\n"
    "Pilote : Département du Gers\n"
    "Partenaires : Fédération française du bâtiment\n"
    "Description : Les chantiers sont suivis avec la FFB Gers.\n"
)


def test_a_bare_network_name_is_the_branch_the_document_names(reference, tmp_path) -> None:
    g, store = plan_graph(tmp_path, "pdi-gers-branches.txt", BRANCHES, reference)
    store.close()
    actors = {n for n, d in g.nodes(data=True) if d.get("type") == "actor"}
    assert "actor:missions-locales" not in actors, sorted(actors)
    assert "actor:mission-locale-du-gers" in _targets(g, "parcours", "partner")
    ffb = {a for a in actors if a.startswith("actor:ffb")}
    assert ffb == {"actor:ffb--departement-32"}, (
        ffb
    )  # « Fédération française du bâtiment » and « FFB Gers »: one


def test_the_branch_pass_keeps_plurals_and_other_departements(reference) -> None:
    from graph.actor_model import DocContext, load_aliases, load_lexicon
    from graph.actors import ActorResolver

    ref = reference.territories
    resolver = ActorResolver(ref, load_lexicon(), load_aliases())
    ctx = DocContext("pdi-gers", ref.get("region:76"), ref.get("departement:32"))
    resolver.note_branches("pdi-gers", ["Mission locale du Gers", "CAF du Calvados"], ctx)
    assert resolver.resolve("les missions locales", ctx).id == "actor:missions-locales"  # all of them
    assert resolver.resolve("la Mission locale", ctx).id == "actor:mission-locale-du-gers"
    assert resolver.resolve("la CAF", ctx).id == "actor:caf--departement-32"  # not the Calvados's
    savoie = DocContext("pdie-savoie", ref.get("region:84"))
    resolver.note_branches("pdie-savoie", ["FFB Savoie"], savoie)
    assert resolver.resolve("Fédération française du bâtiment", savoie).id == "actor:ffb--departement-73"


MARTINIQUE = (
    "Pacte territorial d'insertion de la Martinique 2027-2030\n\n"
    "Axe 1 : La santé\n\n"
    "Fiche action 1 : Un parcours santé-insertion\n"
    "Pilote : France Travail\n"
    "Description : Un bilan de santé est proposé à chaque personne accompagnée.\n"
)


def _inherited(g, title: str) -> set[str]:
    """The inherited perimeters of the action whose title holds `title`."""
    (node,) = [n for n, d in g.nodes(data=True) if d.get("type") == "action" and title in d["label"]]
    return {dst for _, dst, e in g.out_edges(node, data=True) if e["kind"] == "in" and e.get("inherited")}


def test_a_drom_fiche_with_no_place_inherits_the_region_and_its_departement(reference, tmp_path) -> None:
    g, store = plan_graph(tmp_path, "pti-martinique.txt", MARTINIQUE, reference)
    store.close()
    inherited = _inherited(g, "santé")
    assert inherited == {"territory:region:02", "territory:departement:972"}, inherited


def test_a_drom_departements_plan_inherits_its_departement_only(reference, tmp_path) -> None:
    text = MARTINIQUE.replace("Pacte territorial d'insertion", "Plan départemental d'insertion")
    g, store = plan_graph(tmp_path, "pdi-martinique.txt", text, reference)
    store.close()
    inherited = _inherited(g, "santé")
    assert inherited == {"territory:departement:972"}, inherited
