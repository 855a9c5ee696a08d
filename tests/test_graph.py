"""The knowledge graph on the real corpus: actors, lineage, containment, dispositifs, RDF, SPARQL, exports."""

from __future__ import annotations

import io
import zipfile

import networkx as nx
import pytest
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from api.service import Service
from graph.actors import ActorResolver, DocContext
from graph.rdf import QFQ
from ingest.errors import ConfigError, InputError
from ingest.text import fold

RNG = __import__("pathlib").Path(__file__).parent / "data" / "gexf-1.3" / "gexf.rng"


@pytest.fixture(scope="module")
def kb(built: Service):
    return built.knowledge


def actors_named(kb, *written: str, prose: bool = False) -> set[str]:
    """Actor ids reached by edges whose mention was written as one of `written`: the labelled rows (with
    `prose`, also the CONTACTS blocks and sentences, which name the organisations of other régions)."""
    keys = {fold(w) for w in written}
    return {
        dst
        for _, dst, e in kb.graph.edges(data=True)
        if fold(e.get("written") or "") in keys and (prose or e.get("evidence_source") == "row")
    }


def test_pole_emploi_variants_are_one_actor_with_its_branch(kb) -> None:
    ids = actors_named(
        kb, "Pôle emploi", "PE", "POLE EMPLOI", "PÔLE EMPLOI", "Pôle Emploi", "Pôle emploi Normandie"
    )
    assert ids == {"actor:pole-emploi"}
    node = kb.graph.nodes["actor:pole-emploi"]
    assert "Normandie" in node["branches"]
    assert node["successor"] == "actor:france-travail" and node["successor_since"] == "2024-01-01"


def test_typos_merge_and_homonyms_stay_apart(kb) -> None:
    assert actors_named(kb, "Direccte", "Directe", "DIRECCTE", "DIRRECTE NORMANDIE") == {
        "actor:direccte--region-28"
    }
    regions = actors_named(kb, "Conseil régional", "Région")
    assert {
        "actor:region--region-28",
        "actor:region--region-52",
    } <= regions  # Normandie's is not Pays de la Loire's
    cci = actors_named(kb, "CCI BRETAGNE", "CCI")
    assert "actor:cci--region-53" in cci and "actor:cci--region-53" != "actor:cci--region-28"
    assert len(actors_named(kb, "CRESS")) == 2  # one per région


def test_prose_mentions_resolve_in_the_region_of_their_action(kb) -> None:
    """The booklet's sentences name the DIRECCTE of other régions: each is its région's actor, never
    Normandie's, and no bare DIRECCTE actor appears."""
    ids = actors_named(kb, "DIRECCTE", "Direccte", prose=True)
    assert "actor:direccte--region-28" in ids
    assert all(i.startswith("actor:direccte--region-") for i in ids)


def test_eure_glossary_acronyms_never_give_two_actors(built: Service) -> None:
    ref = built.referential
    resolver = ActorResolver(ref, built.reference.lexicon, built.reference.aliases)
    glossary = {g.acronym: g.expansion for g in built.store.glossary("004_3055f0caa3abf071")}
    eure = ref.lookup("Eure", levels=("departement",))[0]
    ctx = DocContext(
        "004", ref.lookup("Normandie", levels=("region",))[0], eure, {fold(k): v for k, v in glossary.items()}
    )
    split = [
        (acr, exp)
        for acr, exp in glossary.items()
        if resolver.resolve(acr, ctx).id != resolver.resolve(exp, ctx).id
    ]
    assert split == []
    assert all(d.rule for d in resolver.log)  # every decision says which rule made it


def test_curator_alias_file_forces_a_merge(kb) -> None:
    assert len(actors_named(kb, "ATC'EURE POUR L'EMPLOI", "ACT'Eure pour l'insertion")) == 1


def test_lineage_todays_name_finds_yesterdays_text(built: Service) -> None:
    body = built.who(what="France Travail")
    names = {r["actor"]["id"]: r["actor"] for r in body["results"]}
    assert "actor:pole-emploi" in names
    assert names["actor:pole-emploi"]["display"] == "Pôle emploi (aujourd'hui France Travail)"
    titles = {a["title"] for r in body["results"] for a in r["actions"]}
    assert "Macigogne.fr" in titles


def test_containment_finds_narrower_and_flags_wider(built: Service) -> None:
    body = built.who(where="Calvados")
    scopes = {(a["title"], a["scope"]) for r in body["results"] for a in r["actions"]}
    assert ("Accompagnement et maintien dans l'emploi des seniors", "local") in scopes  # Vire, Lisieux
    # its AFPA centres « de Coutances, Alençon, Caen, … et Evreux » (one of them in the Calvados) are where it
    # happens: local there, though its row says Normandie
    assert ("Décloisonner l'offre de logement", "local") in scopes
    assert ("Augmenter le nombre de signataires de la charte du REGAL", "wider") in scopes  # Normandie-wide
    assert not any(t.startswith("Macigogne") for t, _ in scopes)
    vendee = built.who(where="85000")  # a postal code of La Roche-sur-Yon
    assert any(
        a["title"] == "Macigogne.fr" and a["scope"] == "local"
        for r in vendee["results"]
        for a in r["actions"]
    )
    for r in body["results"]:
        for a in r["actions"]:
            assert a["evidence"]["quote"] and a["evidence"]["line_start"]


def test_unknown_place_is_a_clear_error(built: Service) -> None:
    with pytest.raises(InputError, match="lieu inconnu 'Atlantide'"):
        built.who(where="Atlantide")
    with pytest.raises(InputError, match="quoi, où ou quelle thématique"):
        built.who()


def test_places_without_code_keep_a_parent(kb) -> None:
    node = kb.graph.nodes["territory:lieu:nord-cotentin"]
    assert node["unmatched"] is True
    parents = [
        dst
        for _, dst, e in kb.graph.out_edges("territory:lieu:nord-cotentin", data=True)
        if e["kind"] == "part_of"
    ]
    assert parents == ["territory:epci:200067205"]  # CA du Cotentin


def test_dispositif_mentions_with_evidence(kb) -> None:
    mentions = {
        (src.split("/")[-1], dst) for src, dst, e in kb.graph.edges(data=True) if e["kind"] == "mobilises"
    }
    assert ("proposition-1-6", "dispositif:pmsmp") in mentions
    assert ("cafe-emploi", "dispositif:emplois_francs") in mentions and (
        "cafe-emploi",
        "dispositif:mrs",
    ) in mentions
    assert ("3-1", "dispositif:avip") in mentions
    for _src, _dst, e in kb.graph.edges(data=True):
        if e["kind"] == "mobilises":
            assert e["quote"] and e["line_start"] and fold(e["written"])[:4] in fold(e["quote"])
    operated = [
        dst for _, dst, e in kb.graph.out_edges("dispositif:pmsmp", data=True) if e["kind"] == "operated_by"
    ]
    assert operated


def test_rdf_is_closed_and_round_trips(kb) -> None:
    rdf = kb.rdf
    assert (URIRef("https://qfq.example.org/id/actor/pole-emploi"), None, None) in rdf
    for fmt in ("turtle", "json-ld"):
        again = Graph().parse(data=rdf.serialize(format=fmt), format=fmt)
        assert isomorphic(rdf, again), fmt
    broken = Graph()
    broken.add((URIRef("https://qfq.example.org/id/x"), QFQ.pilotedby, Literal("typo")))
    with pytest.raises(ConfigError, match="pilotedby"):
        kb.reference.ontology.check_closed(broken)


def test_sparql_is_read_only_capped_and_timed(built: Service) -> None:
    q = (
        "PREFIX qfq: <https://qfq.example.org/ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?title WHERE { ?a qfq:pilotedBy <https://qfq.example.org/id/actor/pole-emploi> ; "
        "rdfs:label ?title }"
    )
    titles = {b["title"]["value"] for b in built.sparql(q)["results"]["bindings"]}
    assert "Macigogne.fr" in titles
    for bad in (
        "DELETE WHERE { ?s ?p ?o }",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELEKT nothing",
    ):
        with pytest.raises(InputError):
            built.sparql(bad)
    capped = built.sparql("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(capped["results"]["bindings"]) == built.settings.sparql_limit and capped["truncated"]
    slow = Service(built.settings.model_copy(update={"sparql_timeout": 0.5}))
    slow.__dict__["knowledge_cache"] = built.knowledge_cache
    with pytest.raises(InputError, match="et a été arrêtée"):  # CPU limit, or wall clock under load
        slow.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")


def test_graph_exports_of_the_corpus(built: Service) -> None:
    buf = io.BytesIO()
    built.export_graph("gexf", buf)
    doc = etree.fromstring(buf.getvalue())
    schema = etree.RelaxNG(etree.parse(str(RNG)))
    assert schema.validate(doc), schema.error_log
    back = nx.read_gexf(io.BytesIO(buf.getvalue()))
    assert back.number_of_nodes() == built.knowledge.graph.number_of_nodes()
    buf = io.BytesIO()
    built.export_graph("graphml", buf)
    assert (
        nx.read_graphml(io.BytesIO(buf.getvalue()), edge_key_type=str).number_of_edges()
        == built.knowledge.graph.number_of_edges()
    )
    buf = io.BytesIO()
    built.export_graph("csv", buf)
    assert sorted(zipfile.ZipFile(buf).namelist()) == ["edges.csv", "nodes.csv"]


def test_export_filtered_by_territory(built: Service) -> None:
    buf = io.BytesIO()
    built.export_graph("graphml", buf, territory="Vendée")
    g = nx.read_graphml(io.BytesIO(buf.getvalue()), edge_key_type=str)
    actions = {n for n, d in g.nodes(data=True) if d.get("type") == "action"}
    assert "action:001_7091df44cd1e8194/macigogne-fr" in actions
    assert not any("000_1ad84331eee1d4b1" in a for a in actions)


def test_themes_and_publics_carry_evidence(kb) -> None:
    edges = [
        (src, dst, e)
        for src, dst, e in kb.graph.edges(data=True)
        if e["kind"] in ("theme", "targets") and src.startswith("action:")
    ]
    assert edges
    for src, dst, e in edges:
        assert e["line_start"] and e["quote"], (src, dst)
    macigogne = "action:001_7091df44cd1e8194/macigogne-fr"
    assert kb.graph.has_edge(macigogne, "theme:garde_enfants")
    assert kb.graph.has_edge(macigogne, "public:demandeur_emploi")


def test_coverage_of_a_theme(built: Service) -> None:
    body = built.coverage("garde_enfants", level="region")
    with_names = {r["territory"]["name"]: r for r in body["with"]}
    assert {"Normandie", "Pays de la Loire", "Bretagne"} <= set(with_names)
    assert "001_7091df44cd1e8194/macigogne-fr" in with_names["Pays de la Loire"]["local"]
    assert "Corse" in {t["name"] for t in body["without"]}
    within = built.coverage("garde_enfants", level="departement", within="Pays de la Loire")
    assert {r["territory"]["name"] for r in within["with"]} | {t["name"] for t in within["without"]} == {
        "Loire-Atlantique",
        "Maine-et-Loire",
        "Mayenne",
        "Sarthe",
        "Vendée",
    }
    assert "Vendée" in {r["territory"]["name"] for r in within["with"]}
    with pytest.raises(InputError, match="level"):
        built.coverage("garde_enfants", level="canton")


def test_who_by_theme_and_place(built: Service) -> None:
    body = built.who(theme="garde_enfants", where="La Roche-sur-Yon")
    titles = {a["title"] for r in body["results"] for a in r["actions"]}
    assert "Macigogne.fr" in titles


def test_lineage_of_regions_dispositifs_and_plans(built: Service, kb) -> None:
    from graph.linking import TerritoryLinker

    old = TerritoryLinker(built.referential).link("Basse-Normandie")
    assert (old.code, old.level) == ("28", "region") and "2016" in old.note
    assert kb.graph.has_edge("dispositif:reseau_faire", "dispositif:france_renov")
    eure = built.who(where="Eure")
    doc = next(
        a["document"] for r in eure["results"] for a in r["actions"] if a["doc"] == "004_3055f0caa3abf071"
    )
    assert doc["past"] is True and doc["period"] == "2017-2020" and "échu" in doc["note"]


def test_actors_listing_explains_every_merge(built: Service) -> None:
    body = built.actors("DIRECCTE")
    normandie = next(a for a in body["results"] if a["id"] == "actor:direccte--region-28")
    rules = {d["written"]: d["rule"] for d in normandie["decisions"]}
    assert rules["Directe"].startswith("correspondance approchée")
    assert normandie["successor"]["name"] == "DREETS (Normandie)"
    mrn = built.actors("Métropole Rouen Normandie")["results"][0]
    assert any("sigle développé" in d["rule"] for d in mrn["decisions"])
