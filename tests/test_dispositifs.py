"""The dispositif thesaurus (SKOS/Turtle), the mention matcher and the eligibility check."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from graph.conditions_eval import eligibility
from graph.dispositifs import (
    DATA_FILE,
    DispositifMatcher,
    Thesaurus,
    load_dispositifs,
)
from graph.match import statuses
from graph.profile import ProfileTerms
from graph.vocabularies import load as load_vocabularies
from ingest.errors import InputError

QFQ = Namespace("https://qfq.example.org/ns#")
DISP = Namespace("https://qfq.example.org/dispositif/")
THESAURUS = Thesaurus.load()  # the packaged thesaurus
TERMS = ProfileTerms.load()  # needs, status phrases, implied statuses, dispositif kinds
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
STATUSES = set(statuses(load_vocabularies()))  # the profile statuses (checked against DESIGN.md elsewhere)
EXTRA_PUBLICS = {"jeune", "particulier", "entreprise"}  # as in graph/data/vocabularies.ttl
NEEDS = set(TERMS.needs)  # the profile needs (checked against DESIGN.md in test_vocabularies.py)


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(DATA_FILE, format="turtle")
    return g


@pytest.fixture(scope="module")
def corpus(corpus_dir: Path) -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(corpus_dir.glob("*.txt"))}


def found(text: str) -> list[tuple[str, str]]:
    return [(m.dispositif_id.removeprefix("dispositif:"), m.surface) for m in THESAURUS.matcher.find(text)]


def ids(text: str) -> set[str]:
    return {i for i, _ in found(text)}


# ---------------------------------------------------------------- the thesaurus


def test_every_concept_is_complete(graph: Graph) -> None:
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 30
    assert len(set(graph.subjects(RDF.type, SKOS.ConceptScheme))) == 1
    for c in concepts:
        fr_labels = [o for o in graph.objects(c, SKOS.prefLabel) if o.language == "fr"]
        assert len(fr_labels) == 1, c
        definition = graph.value(c, SKOS.definition)
        assert definition is not None and definition.language == "fr" and len(definition) > 80, c
        assert graph.value(c, QFQ.kind) is not None, c
        assert str(graph.value(c, QFQ.scope)) in {"national", "regional", "local"}, c
        checked = graph.value(c, QFQ.checked)
        assert checked is not None and checked.datatype == XSD_DATE, c
        assert (c, SKOS.inScheme, DISP.thesaurus) in graph


def test_vocabulary_values_are_known_slugs() -> None:
    for d in THESAURUS.items:
        assert d.kind in TERMS.dispositif_kinds, d.id
        assert set(d.publics) <= STATUSES | EXTRA_PUBLICS, d.id
        assert set(d.needs) <= NEEDS, d.id
        assert set(d.requires_status) | set(d.requires_all_status) <= STATUSES | {"alternant"}, d.id
        statuses_in_rule = {n.name for n in d.conditions.rule.walk() if n.op == "status"}
        assert statuses_in_rule <= STATUSES | {"alternant"}, d.id
        assert d.operator, d.id
        assert d.checked in {dt.date(2026, 11, 22), *(dt.date(2026, 12, day) for day in (1, 2, 3, 4))}, d.id
        if d.scope == "regional":
            assert d.territory, d.id


def test_lineage_is_data(graph: Graph) -> None:
    # loi de finances pour 2026: the apprentices' licence aid takes no request since 2026-01-01
    assert graph.value(DISP.aide_permis_apprentis, QFQ.endedOn) == Literal("2026-01-01", datatype=XSD_DATE)
    assert (DISP.garantie_jeunes, DCTERMS.isReplacedBy, DISP.cej) in graph
    assert graph.value(DISP.garantie_jeunes, QFQ.replacedOn) == Literal("2022-03-01", datatype=XSD_DATE)
    gj = THESAURUS.index["dispositif:garantie_jeunes"]
    assert gj.replaced_by == "dispositif:cej" and gj.replaced_on == dt.date(2022, 3, 1)
    faire = THESAURUS.index["dispositif:reseau_faire"]
    assert faire.replaced_by == "dispositif:france_renov" and faire.replaced_on == dt.date(2022, 1, 1)


def test_dataclasses_and_hierarchy() -> None:
    index = THESAURUS.index
    poei = index["dispositif:poei"]
    assert (
        poei.label == "POE individuelle" and "POEI" in poei.alt_labels and poei.broader == ("dispositif:poe",)
    )
    for child in ("aci", "ei", "etti", "ai"):
        assert index[f"dispositif:{child}"].broader == ("dispositif:iae",)
    cej = index["dispositif:cej"]
    assert (cej.min_age, cej.max_age) == (16, 25)
    assert [(e.status, e.max_age) for e in cej.age_exceptions] == [("travailleur_handicape", 29)]
    apprentissage = index["dispositif:contrat_apprentissage"]
    assert [(e.status, e.max_age) for e in apprentissage.age_exceptions] == [("travailleur_handicape", None)]
    emplois_francs = {
        n.name for n in index["dispositif:emplois_francs"].conditions.rule.walk() if n.op == "fact"
    }
    assert "qpv" in emplois_francs
    macigogne = index["dispositif:macigogne"]
    # the two territories the corpus plans name (Pays de la Loire: Vendée; Normandie: Eure)
    assert macigogne.scope == "local" and macigogne.territories == ("Eure", "Vendée")
    assert macigogne.territory == "Eure, Vendée"


def test_no_label_names_two_dispositifs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="graph.dispositifs"):
        DispositifMatcher(THESAURUS.items)
    assert not caplog.records, [r.getMessage() for r in caplog.records]


def test_a_broken_file_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> a skos:Concept ;;; .\n")
    with pytest.raises(InputError) as err:
        load_dispositifs(bad)
    assert "bad.ttl" in str(err.value)


# ---------------------------------------------------------------- the matcher


def test_variants_and_longest_match() -> None:
    assert found("une POE individuelle puis une POEI") == [("poei", "POE individuelle"), ("poei", "POEI")]
    assert ids("la préparation opérationnelle à l’emploi individuelle") == {"poei"}
    assert ids("les Préparations Opérationnelles à l'Emploi (POE)") == {"poe"}
    assert ids("une POEC") == {"poec"}
    for text in ("Prépa apprentissage", "prépa-apprentissage", "Prépa Apprentissage", "PRÉPA\nAPPRENTISSAGE"):
        assert ids(text) == {"prepa_apprentissage"}, text
    assert found("des contrats de professionnalisation") == [
        ("contrat_professionnalisation", "contrats de professionnalisation")
    ]
    assert ids("les crèches à vocation d’insertion professionnelle") == {"avip"}
    assert ids("une Crèche VIP") == {"avip"}
    assert ids("le label AVIP") == {"avip"}
    assert ids("l'avance Loca Pass et la garantie Visale") == {"avance_loca_pass", "visale"}
    assert ids("un Contrat d’Engagement Jeune (CEJ)") == {"cej"}
    assert ids("les projets alimentaires territoriaux") == {"pat"}


def test_short_acronyms_keep_their_case_and_stay_whole_words() -> None:
    assert ids("MRSA, Mrs Dalloway, mrs") == set()
    assert ids("j'ai vu qu'il y ai") == set()
    assert ids("J'AI FAIT UN STAGE") == set()
    assert ids("SEIN, REIMS, PEINE, ei, Ei") == set()
    assert ids("PE, Pôle emploi, PEC") == {"pec"}
    assert ids("cie, Cie, CIEL") == set()
    assert ids("les EI, les ETTI, les AI et les ACI") == {"ei", "etti", "ai", "aci"}
    assert ids("CléA et CLÉA") == {"clea"}


def test_organisation_names_are_not_dispositifs() -> None:
    assert ids("la Fédération des entreprises d'insertion") == set()
    assert ids("des entreprises d'insertion") == {"ei"}


def test_corpus_normandie_plan(corpus: dict[str, str]) -> None:
    text = corpus["000"]
    mentions = THESAURUS.matcher.find(text)
    pmsmp = [m for m in mentions if m.dispositif_id == "dispositif:pmsmp"]
    assert any(
        "période de mise en situation professionnelle" in text[m.start - 80 : m.end + 80] for m in pmsmp
    )
    assert ("prepa_apprentissage", "Prépa Apprentissage") in found(text)
    assert {"visale", "avance_loca_pass", "agepi", "pat", "sare", "reseau_faire", "mrs", "poec"} <= ids(text)


def test_corpus_pays_de_la_loire(corpus: dict[str, str]) -> None:
    assert {"emplois_francs", "mrs", "macigogne", "orientibus"} <= ids(corpus["001"])


def test_corpus_tour_de_france(corpus: dict[str, str]) -> None:
    mentions = found(corpus["002"])
    assert ("avip", "AVIP") in mentions
    assert any(i == "avip" and s.startswith("crèches à vocation") for i, s in mentions)
    assert "bretagne_alternance" in {i for i, _ in mentions}


def test_corpus_eure_glossary(corpus: dict[str, str]) -> None:
    lines = corpus["004"].splitlines()
    poe_line = next(line for line in lines if line.startswith("- ▶ POE :"))
    assert [i for i, _ in found(poe_line)] == ["poe", "poe", "poec", "poei"]
    pmsmp_line = next(line for line in lines if line.startswith("- ▶ PMSMP :"))
    assert ids(pmsmp_line) == {"pmsmp"}
    for acronym, expected in (("ACI", "aci"), ("EI", "ei"), ("ETTI", "etti"), ("AI", "ai"), ("CIE", "cie")):
        line = next(line for line in lines if line.startswith(f"- ▶ {acronym} :"))
        assert found(line)[0] == (expected, acronym), line


def test_mentions_carry_offsets(corpus: dict[str, str]) -> None:
    for text in corpus.values():
        for m in THESAURUS.matcher.find(text):
            assert text[m.start : m.end] == m.surface


# ---------------------------------------------------------------- eligibility


def disp(slug: str):
    return THESAURUS.index[f"dispositif:{slug}"]


def check(*args, **kwargs):
    """eligibility() with the packaged profile terms and thesaurus."""
    return eligibility(*args, terms=TERMS, thesaurus=THESAURUS, **kwargs)


def test_cej_eligibility() -> None:
    ok = check(disp("cej"), 22, {"demandeur_emploi"}, set())
    assert ok.decision == "eligible"
    assert ok.met == (
        "16–25 ans : 22 ans ✓",
        "pas étudiant ✓",
        "pas alternant ✓",
    )
    assert ok.to_check  # conditions the adviser checks
    # the RSA does not bar the CEJ (L5131-6), only its allowance: said as an item to check
    rsa = check(disp("cej"), 22, {"beneficiaire_rsa"}, set())
    assert rsa.decision == "eligible" and any("RSA" in c for c in rsa.to_check)
    too_old = check(disp("cej"), 27, {"demandeur_emploi"}, set())
    assert too_old.decision == "excluded"
    assert too_old.failed == ("16–25 ans : 27 ans ✗ ou travailleur handicapé : non ✗",)
    rqth = check(disp("cej"), 27, {"demandeur_emploi", "travailleur_handicape"}, set())
    assert rqth.decision == "eligible" and not rqth.failed
    assert rqth.met[:2] == ("travailleur handicapé ✓", "16–29 ans : 27 ans ✓")
    student = check(disp("cej"), 20, {"etudiant"}, set())
    assert student.decision == "excluded" and student.failed == ("étudiant : exclu ✗",)
    apprentice = check(disp("cej"), 19, {"apprenti"}, set())  # in a formation (Code du travail L5131-6)
    assert apprentice.decision == "excluded" and apprentice.failed == ("alternant : exclu ✗",)
    unknown_age = check(disp("cej"), None, {"demandeur_emploi"}, set())
    assert unknown_age.decision == "undecided" and unknown_age.unknown == ("Quel âge a la personne ?",)
    assert [m.fact for m in unknown_age.missing] == ["age"]


def test_emplois_francs_needs_the_address_and_a_job_offer() -> None:
    before_end = dt.date(2024, 6, 1)  # the scheme took contracts signed until 2024-12-31
    d = check(disp("emplois_francs"), 35, {"demandeur_emploi"}, set(), on=before_end)
    assert d.decision == "undecided"
    assert [m.fact for m in d.missing] == ["qpv", "promesse_embauche"]
    assert "La personne a-t-elle une promesse d'embauche ?" in d.unknown
    qpv = check(disp("emplois_francs"), 35, {"demandeur_emploi"}, {"residant_qpv"}, on=before_end)
    assert qpv.decision == "undecided" and [m.fact for m in qpv.missing] == ["promesse_embauche"]
    hired = {"promesse_embauche": True}
    assert (
        check(
            disp("emplois_francs"), 35, {"demandeur_emploi"}, {"residant_qpv"}, facts=hired, on=before_end
        ).decision
        == "eligible"
    )
    no_qpv = check(
        disp("emplois_francs"), 35, {"demandeur_emploi"}, set(), facts={**hired, "qpv": False}, on=before_end
    )
    assert no_qpv.decision == "excluded" and no_qpv.failed == (
        "résidence en quartier prioritaire (QPV) : non ✗",
    )
    assert (
        check(disp("emplois_francs"), 35, {"salarie"}, {"residant_qpv"}, on=before_end).decision == "excluded"
    )
    closed = check(disp("emplois_francs"), 35, {"demandeur_emploi"}, {"residant_qpv"}, facts=hired)
    assert closed.decision == "excluded"
    assert closed.failed == ("dispositif fermé aux nouvelles entrées depuis le 1er janvier 2025 ✗",)


def test_apprenticeship_has_no_age_limit_for_disabled_workers() -> None:
    d = check(disp("contrat_apprentissage"), 40, {"travailleur_handicape"}, set())
    assert d.decision == "eligible" and not d.failed
    assert d.met == ("travailleur handicapé ✓", "au moins 15 ans : 40 ans ✓")
    assert check(disp("contrat_apprentissage"), 40, {"demandeur_emploi"}, set()).decision == "excluded"


def test_statuses_all_of_implied_and_unknown() -> None:
    facts = {"enfants": [4], "are_journaliere": 0, "reprise": "cdi"}
    assert (
        check(disp("agepi"), 30, {"demandeur_emploi", "parent_isole"}, set(), facts=facts).decision
        == "eligible"
    )
    assert check(disp("agepi"), 30, {"salarie", "parent_isole"}, set(), facts=facts).decision == "excluded"
    assert check(disp("agepi"), 30, set(), set(), facts=facts).decision == "undecided"
    assert check(disp("aif"), 45, {"demandeur_emploi_longue_duree"}, set()).decision == "eligible"


def test_a_replaced_dispositif_is_excluded_with_its_successor() -> None:
    d = check(disp("garantie_jeunes"), 20, {"sans_emploi_ni_formation"}, set())
    assert d.decision == "excluded"
    assert d.failed == ("dispositif remplacé par « contrat d'engagement jeune » depuis le 1er mars 2022 ✗",)
    before = check(disp("garantie_jeunes"), 20, {"sans_emploi_ni_formation"}, set(), on=dt.date(2021, 6, 1))
    assert before.decision == "eligible"
