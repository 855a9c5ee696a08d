"""Conditions as data: the rule file is checked at load with errors naming the dispositif, the facts of a
profile are typed with clear errors, and the three-valued evaluation gives a readable trace."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from graph.conditions import DATA_FILE as CONDITIONS_FILE
from graph.conditions import load_conditions
from graph.conditions_eval import NO_CONDITION, eligibility
from graph.conditions_facts import Facts, fact_pairs
from graph.dispositifs import Thesaurus
from graph.profile import ProfileTerms
from ingest.errors import ConfigError, InputError

THESAURUS = Thesaurus.load()
TERMS = ProfileTerms.load()
FACTS = THESAURUS.facts
STATUSES = set(TERMS.status_phrases)


def check(slug: str, age, statuses, facts=None, **kwargs):
    d = THESAURUS.index[f"dispositif:{slug}"]
    return eligibility(d, age, set(statuses), terms=TERMS, thesaurus=THESAURUS, facts=facts, **kwargs)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "conditions.toml"
    path.write_text(body, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the file


def test_every_dispositif_has_a_rule_and_the_file_loads() -> None:
    assert all(d.conditions is not None for d in THESAURUS)
    written_in_prose_only = [
        d.id
        for d in THESAURUS
        if d.other_conditions and d.conditions.rule.op == "all" and not d.conditions.rule.children
    ]
    assert not written_in_prose_only  # a dispositif with conditions in prose has them as logic too


@pytest.mark.parametrize(
    ("rule", "needle"),
    [
        ('["status", "astronaute"]', "statut inconnu"),
        ('["fact", "licorne"]', "fait inconnu"),
        ('["age", 30, 18]', "minimum supérieur au maximum"),
        ('["any", ["age_min", 18]]', "au moins deux"),
        ('["max", "salaire_net_mensuel", "plafond_inconnu"]', "constante inconnue"),
        ('["one_of", "reprise", ["stage"]]', "valeurs étrangères à reprise"),
        ('["ou", ["age_min", 18]]', "condition inconnue"),
    ],
)
def test_a_bad_rule_names_the_dispositif(tmp_path: Path, rule: str, needle: str) -> None:
    path = write(tmp_path, f"[visale]\nrule = {rule}\n")
    with pytest.raises(ConfigError, match=needle) as err:
        load_conditions(["visale"], STATUSES, FACTS, path)
    assert "[visale]" in err.value.where


def test_every_dispositif_needs_its_table(tmp_path: Path) -> None:
    path = write(tmp_path, '[visale]\nrule = ["all"]\n')
    with pytest.raises(ConfigError, match="sans conditions \\['cej'\\]"):
        load_conditions(["visale", "cej"], STATUSES, FACTS, path)
    assert CONDITIONS_FILE.exists()


# ---------------------------------------------------------------- facts of a profile


def test_facts_are_typed_with_french_errors() -> None:
    parsed = FACTS.parse(
        {"promesse_embauche": "oui", "enfants": "5, 2", "mois_inscription": "14", "qpv": False}
    )
    assert parsed == {"promesse_embauche": True, "enfants": [2, 5], "mois_inscription": 14, "qpv": False}
    with pytest.raises(InputError, match="fait inconnu") as err:
        FACTS.parse({"licorne": True})
    assert err.value.where == "facts" and "promesse_embauche" in err.value.valid
    with pytest.raises(InputError, match="invalide") as err:
        FACTS.parse({"reprise": "stage"})
    assert err.value.valid == "cdi, cdd, ctt, formation, aucune"
    with pytest.raises(InputError, match="hors limites"):
        FACTS.parse({"enfants": [2, 45]})
    with pytest.raises(InputError, match="oui ou non"):
        FACTS.parse({"ass": "peut-être"})
    assert fact_pairs(["enfants=2,5", "ass = oui"], where="fact") == {"enfants": "2,5", "ass": "oui"}
    with pytest.raises(InputError, match="mal écrit"):
        fact_pairs(["enfants"], where="fact")


def test_a_facts_file_without_questions_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "facts.toml"
    bad.write_text('[x]\ntype = "bool"\nlabel = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="question"):
        Facts.load(bad)


# ---------------------------------------------------------------- evaluation


def test_a_minor_apprentice_is_not_told_visale_applies() -> None:
    d = check("visale", 17, {"apprenti"})
    assert d.decision == "excluded"
    assert d.failed == ("18–30 ans : 17 ans ✗ ou au moins 31 ans : 17 ans ✗",)
    young = check("visale", 22, {"demandeur_emploi"})
    assert young.decision == "eligible" and young.met == ("18–30 ans : 22 ans ✓",)


WORK_CONTRACTS = ("iae", "aci", "ei", "etti", "ai", "cui", "pec", "cie", "clauses_sociales")


@pytest.mark.parametrize("slug", WORK_CONTRACTS)
def test_no_contrat_de_travail_before_16_but_the_apprenticeship(slug: str) -> None:
    # Code du travail L4153-1 (session 13: a young person of 15 out of school was told these applied)
    young = check(slug, 15, {"sans_emploi_ni_formation"}, {"sans_qualification": True})
    assert young.decision == "excluded" and any("15 ans" in f for f in young.failed), young
    assert check(slug, 16, {"sans_emploi_ni_formation"}).decision != "excluded"
    assert check("contrat_apprentissage", 15, {"sans_emploi_ni_formation"}).decision == "eligible"


def test_a_job_seeker_of_unknown_age_is_16_at_least() -> None:
    # registration with France Travail asks 16 years (facts.toml [age] at_least_if)
    d = check("iae", None, {"demandeur_emploi"})
    assert d.decision == "eligible", d
    assert "au moins 16 ans : demandeur d'emploi (16 ans au moins) ✓" in d.met, d.met
    assert check("iae", None, {"beneficiaire_rsa"}).decision == "eligible"  # registered since 2025
    assert [m.fact for m in check("iae", None, {"sans_emploi_ni_formation"}).missing] == ["age"]
    assert [m.fact for m in check("cej", None, {"demandeur_emploi"}).missing] == ["age"]  # an upper bound


def test_visale_over_30_is_an_exception_branch() -> None:
    asked = check("visale", 35, {"salarie"})
    assert asked.decision == "undecided"
    assert [m.fact for m in asked.missing] == [
        "prise_de_poste_recente",
        "salaire_net_mensuel",
        "promesse_embauche",
    ]
    low_wage = check("visale", 35, {"salarie"}, {"salaire_net_mensuel": 1400})
    assert low_wage.decision == "eligible"
    assert "salaire net mensuel ≤ 1\u202f500 € : 1\u202f400 € ✓" in low_wage.met
    no = {"salaire_net_mensuel": 2000, "prise_de_poste_recente": False, "promesse_embauche": False}
    assert check("visale", 35, {"salarie"}, no).decision == "excluded"


def test_childcare_without_a_declared_child_asks_for_it() -> None:
    d = check("paje", 30, {"demandeur_emploi"})
    assert d.decision == "undecided" and d.unknown == (
        "La personne a-t-elle des enfants à charge, et de quel âge ?",
        "La personne attend-elle un enfant (grossesse ou adoption en cours) ?",
    )
    none = {"enfants": [], "naissance_attendue": False}
    assert check("paje", 30, {"demandeur_emploi"}, none).decision == "excluded"
    ok = check("paje", 30, {"demandeur_emploi"}, {"enfants": [8, 2]})
    assert ok.met == ("enfant de moins de 6 ans : 2 ans et 8 ans ✓",)


def test_agepi_checks_the_return_to_work() -> None:
    # the aide à la garde d'enfants (AGE) that replaced the AGEPI on 2024-05-01: every parent, children under
    # 12, a contract of at least 28 days, an allowance up to 1,3 × the minimum ARE
    base = {"enfants": [4], "are_journaliere": 10}
    who = {"demandeur_emploi", "parent_isole"}
    assert check("agepi", 30, who, {**base, "reprise": "cdd", "contrat_duree_mois": 0}).decision == "excluded"
    assert check("agepi", 30, who, {**base, "reprise": "cdd", "contrat_duree_mois": 1}).decision == "eligible"
    couple = check("agepi", 30, {"demandeur_emploi"}, {**base, "enfants": [11], "reprise": "cdi"})
    assert couple.decision == "eligible"
    assert "enfant de moins de 12 ans : 11 ans ✓" in couple.met
    assert check("agepi", 30, who, {**base, "enfants": [12], "reprise": "cdi"}).decision == "excluded"
    assert (
        check("agepi", 30, who, {**base, "are_journaliere": 41.77, "reprise": "cdi"}).decision == "eligible"
    )
    high = check("agepi", 30, who, {**base, "are_journaliere": 50, "reprise": "cdi"})
    assert high.decision == "excluded"
    assert high.failed == (
        "allocation chômage journalière ≤ 1,3 × ARE minimale journalière (41,77 € par jour) : "
        "50 € par jour ✗",
    )


def test_registration_length_and_minima_sociaux() -> None:
    short = {"mois_inscription": 3, "are_journaliere": 0}
    assert check("aide_permis", 30, {"demandeur_emploi"}, {**short, "promesse_embauche": False}).decision == (
        "excluded"
    )
    asks = check("aide_permis", 30, {"demandeur_emploi"}, short)  # the derogation for a promise of a job
    assert asks.decision == "undecided" and [m.fact for m in asks.missing][0] == "promesse_embauche"
    promised = {**short, "promesse_embauche": True, "reprise": "cdd", "contrat_duree_mois": 3}
    assert check("aide_permis", 30, {"demandeur_emploi"}, promised).decision == "eligible"
    assert check(
        "aide_permis", 30, {"demandeur_emploi"}, {"mois_inscription": 8, "are_journaliere": 0}
    ).decision == ("eligible")
    pro = check("contrat_professionnalisation", 40, {"salarie"}, {"ass": True})
    assert pro.decision == "eligible" and "allocation de solidarité spécifique (ASS) : oui ✓" in pro.met


def test_territory_condition_uses_containment() -> None:
    def inside_vendee(name: str):
        return (name == "Vendée", "La Roche-sur-Yon")

    ok = check("macigogne", 30, {"demandeur_emploi"}, place=inside_vendee)
    assert ok.decision == "eligible" and ok.met[0] == "habiter Vendée : La Roche-sur-Yon ✓"
    unknown = check("macigogne", 30, {"demandeur_emploi"})
    assert unknown.decision == "undecided" and unknown.missing[0].fact == "where"


def test_never_no_condition_when_a_condition_exists() -> None:
    profiles = itertools.product([16, 22, 28, 35, 55], [{"demandeur_emploi"}, {"salarie"}, {"apprenti"}])
    checked = 0
    for (age, statuses), d in itertools.product(list(profiles), THESAURUS):
        decision = eligibility(d, age, statuses, terms=TERMS, thesaurus=THESAURUS, on=None)
        has_rule = not (d.conditions.rule.op == "all" and not d.conditions.rule.children)
        if decision.decision == "eligible" and has_rule:
            assert decision.met and NO_CONDITION not in decision.met, (d.id, age, statuses)
            checked += 1
    assert checked > 20  # eligible verdicts under real rules were seen, not skipped


def test_kleene_logic_all_any_not() -> None:
    # all: one failure excludes even when another condition is unknown
    assert check("mobili_jeune", 35, {"apprenti"}).decision == "excluded"
    # any: one branch met decides even when others are unknown
    assert check("avance_loca_pass", 40, {"salarie"}).decision == "eligible"
    # not over an unknown status stays unknown
    d = check("cej", 20, set())
    assert d.decision == "undecided" and {m.fact for m in d.missing} == {
        "status:etudiant",
        "status:alternant",  # the CEJ is not for the young in a formation (an alternance is one)
    }
