"""The rules re-checked against an official source on 2026-12-01 (conditions.toml): each changed rule decides
a profile as its source says, with the trace an adviser reads; every re-checked rule names its source, except
a dispositif of one territory, checked against its corpus plan."""

from __future__ import annotations

import datetime as dt

from graph.conditions_eval import eligibility
from graph.dispositifs import Thesaurus
from graph.profile import ProfileTerms

THESAURUS = Thesaurus.load()
TERMS = ProfileTerms.load()
BEFORE_2025 = dt.date(2024, 6, 1)


def check(slug: str, age, statuses, facts=None, **kwargs):
    d = THESAURUS.index[f"dispositif:{slug}"]
    return eligibility(d, age, set(statuses), terms=TERMS, thesaurus=THESAURUS, facts=facts, **kwargs)


def test_every_rechecked_national_rule_names_its_source() -> None:
    rechecked = [d for d in THESAURUS if d.conditions.checked >= dt.date(2026, 12, 1)]
    assert len(rechecked) >= 45
    for d in rechecked:
        if d.territory is None:
            assert (d.conditions.source or "").startswith("http"), d.id
        else:  # a dispositif of one territory was checked against its corpus plan, which has no address
            assert d.conditions.source is None, d.id
    not_rechecked = {d.id for d in THESAURUS if d.conditions.checked < dt.date(2026, 12, 1)}
    assert not_rechecked == set()  # clauses_sociales and clea re-checked in session 9


def test_bail_mobilite_is_the_law_s_list_not_any_new_job() -> None:
    # a new CDD is no case of article 25-12: the adviser is asked about a transfer, a mission or a placement
    asked = check("bail_mobilite", 28, {"salarie"}, {"reprise": "cdd", "prise_de_poste_recente": True})
    assert asked.decision == "undecided"
    assert [m.fact for m in asked.missing] == ["mutation_mission", "stage_service_civique"]
    no = check(
        "bail_mobilite",
        28,
        {"salarie"},
        {"reprise": "cdd", "mutation_mission": False, "stage_service_civique": False},
    )
    assert (
        no.decision == "excluded"
        and "reprise d'activité (entrée en formation ou contrat d'intérim) : CDD ✗" in (no.failed[0])
    )
    temp = check("bail_mobilite", 28, {"salarie"}, {"reprise": "ctt"})
    assert temp.met == (
        "reprise d'activité (entrée en formation ou contrat d'intérim) : contrat d'intérim ✓",
    )
    civic = check("bail_mobilite", 22, {"demandeur_emploi"}, {"stage_service_civique": True})
    assert civic.decision == "eligible" and civic.met == ("stage ou engagement de service civique : oui ✓",)


def test_poe_collective_is_open_to_an_employee_in_insertion() -> None:
    ok = check("poec", 35, {"salarie"}, {"salarie_insertion": True})
    assert ok.decision == "eligible"
    assert ok.met == (
        "salarié en contrat aidé (CUI) ou dans une structure d'insertion par l'activité économique : oui ✓",
    )
    asked = check("poe", 35, {"salarie"})
    assert asked.decision == "undecided" and [m.fact for m in asked.missing] == ["salarie_insertion"]
    assert check("poec", 35, {"salarie"}, {"salarie_insertion": False}).decision == "excluded"
    assert check("poec", 50, {"demandeur_emploi"}).decision == "eligible"


def test_prepa_apprentissage_ended_and_had_no_age_limit_for_a_disabled_person() -> None:
    closed = check("prepa_apprentissage", 20, {"sans_emploi_ni_formation"})
    assert closed.decision == "excluded"
    assert closed.failed == ("dispositif fermé aux nouvelles entrées depuis le 1er janvier 2025 ✗",)
    young = check("prepa_apprentissage", 20, {"sans_emploi_ni_formation"}, on=BEFORE_2025)
    assert young.decision == "eligible" and young.met[0] == "16–29 ans : 20 ans ✓"
    disabled = check("prepa_apprentissage", 35, {"travailleur_handicape"}, on=BEFORE_2025)
    assert disabled.decision == "eligible" and "au moins 16 ans : 35 ans ✓" in disabled.met
    older = check("prepa_apprentissage", 35, {"sans_emploi_ni_formation"}, on=BEFORE_2025)
    assert older.failed == ("16–29 ans : 35 ans ✗ ou travailleur handicapé : non ✗",)
    assert check("prepa_apprentissage", 20, {"salarie"}, on=BEFORE_2025).decision == "excluded"


def test_e2c_asks_for_a_qualification_not_a_diploma() -> None:
    asked = check("e2c", 22, {"demandeur_emploi"})
    assert asked.decision == "undecided" and asked.unknown == (
        "La personne est-elle sortie de l'école sans qualification professionnelle (avec ou sans diplôme) ?",
    )
    ok = check("e2c", 22, {"sans_emploi_ni_formation"}, {"sans_qualification": True})
    assert ok.decision == "eligible" and ok.met[0] == "16–25 ans : 22 ans ✓"
    pupil = check("e2c", 17, {"etudiant"}, {"sans_qualification": True})
    assert pupil.failed == ("étudiant : exclu ✗",)
    assert check("e2c", 26, {"demandeur_emploi"}, {"sans_qualification": True}).decision == "excluded"


def test_paje_for_an_isolated_parent_up_to_12_and_for_an_expected_child() -> None:
    isolated = check("paje", 30, {"demandeur_emploi", "parent_isole"}, {"enfants": [9]})
    assert isolated.decision == "eligible" and isolated.met == (
        "parent isolé ✓",
        "enfant de moins de 12 ans : 9 ans ✓",
    )
    couple = check("paje", 30, {"demandeur_emploi"}, {"enfants": [9], "naissance_attendue": False})
    assert couple.failed == (
        "enfant de moins de 6 ans : 9 ans ✗ ou parent isolé : non ✗"
        " ou naissance ou adoption attendue : non ✗",
    )
    expecting = check("paje", 30, {"salarie"}, {"enfants": [], "naissance_attendue": True})
    assert expecting.met == ("naissance ou adoption attendue : oui ✓",)


def test_plateforme_mobilite_serves_a_young_apprentice() -> None:
    assert check("plateforme_mobilite", 19, {"apprenti"}).met == ("apprenti ✓",)
    no = check("plateforme_mobilite", 40, {"salarie"}, {"ass": False, "aah": False})
    assert no.decision == "excluded" and "apprenti : non ✗" in no.failed[0]
