"""Ten more profiles an adviser brings (session 8), with what the official rules say of the dispositifs they
touch, written from the rules before the matcher was run on them.

A verdict is "eligible", "excluded", "absent" (a local scheme of another territory) or ("undecided", facts):
undecided, and the facts it must ask about (each a question the adviser can put). Each expectation names its
rule in a comment: the page or text `conditions.toml` cites, or the one named here. The test reports every
verdict qfq gets wrong at once, and the trace texts are checked for slugs."""

from __future__ import annotations

from typing import Any

import pytest

from api.service import Service
from tests.persona_checks import ABSENT, E, X, ask, check_persona, decide_for

PERSONAS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "demandeur d'emploi de 23 ans sans qualification en QPV à Fort-de-France, inscrit depuis 14 mois",
        {
            "age": 23,
            "statuses": ["demandeur_emploi", "residant_qpv"],
            "where": "Fort-de-France",
            "facts": {"sans_qualification": "oui", "mois_inscription": 14},
        },
        {
            "cej": E,  # Code du travail L5131-6: 16 to 25, not a student, no formation
            "pacea": E,  # 16 to 25
            "e2c": E,  # 16 to 25, out of school without a qualification
            "visale": E,  # visale.fr: 18 to 30
            "avance_loca_pass": E,  # F18490: a job seeker under 30
            "contrat_apprentissage": E,  # L6222-1: 16 to 29
            "contrat_professionnalisation": E,  # L6325-1: 16 to 25
            "iae": E,  # a person without a job (arrêté of 2021-09-01: criteria checked by the prescriber)
            "pec": E,
            "cie": E,  # authorised overseas (the bar's page)
            "clauses_sociales": E,  # under 26, and registered for more than 12 months
            "mobili_jeune": X,  # Action Logement: an alternant only
            "aide_permis": ask("are_journaliere"),  # F1719: 6 months registered; allowance ≤ ARE minimum
            "aides_mobilite": ask("are_journaliere"),  # délib. FT 2023-54 art. 2: ≤ ARE minimum
            "emplois_francs": X,  # closed on 2025-01-01
            "garantie_jeunes": X,  # replaced by the CEJ
            "aide_permis_apprentis": X,  # an apprentice only
            "bretagne_alternance": ABSENT,
            "macigogne": ABSENT,
            # added after the first run, with the EPIDE (travail-emploi.gouv.fr: 17 to 25, no job, placement
            # or training, no professional title): eligible; the adviser checks the centre (SMA overseas)
            "epide": E,
        },
    ),
    (
        "apprenti de 27 ans à Lyon",
        {"age": 27, "statuses": ["apprenti"], "where": "Lyon"},
        {
            "contrat_apprentissage": E,  # L6222-1: up to 29
            "mobili_jeune": ask("employeur_prive_non_agricole", "salaire_brut_mensuel"),  # under 30, ≤ SMIC
            "aide_permis_apprentis": X,  # abolished on 2026-01-01 (loi de finances pour 2026)
            "visale": E,  # 18 to 30
            "avance_loca_pass": E,  # F18490: an apprentice under 30
            "bail_mobilite": E,  # loi 89-462 art. 25-12: an apprenticeship
            "plateforme_mobilite": E,  # Code des transports L1215-3: every young apprentice
            "cpf": E,  # L6323-2: every active person from 16
            "cej": X,  # follows a formation (L5131-6), and over 25
            "iae": X,  # holds a contrat de travail
            "pec": X,
            "aides_mobilite": X,  # a registered job seeker only
            "orientibus": ABSENT,
        },
    ),
    (
        "demandeur d'emploi de longue durée de 62 ans à l'ASS à Marseille, inscrit depuis 30 mois",
        {
            "age": 62,
            "statuses": ["demandeur_emploi_longue_duree", "senior"],
            "where": "Marseille",
            "facts": {"ass": "oui", "mois_inscription": 30},
        },
        {
            "clauses_sociales": E,  # a long-term job seeker, a minimum social benefit
            "contrat_professionnalisation": E,  # L6325-1: a job seeker of 26 or more (and the ASS)
            "aif": E,
            "poe": E,
            "mrs": E,
            "pmsmp": E,
            "iae": E,
            "pec": E,
            "aides_mobilite": E,  # délibération 2023-54: the ASS (about 19 € a day) is below the ARE minimum
            "aide_permis": E,  # F1719: 6 months registered, an allowance below the ARE minimum
            "aide_frais_deplacement": E,
            "cpf": E,
            "contrat_apprentissage": X,  # 29 at most without an RQTH
            "cej": X,
            "avance_loca_pass": X,  # neither employee nor under 30
            "visale": ask("promesse_embauche"),  # over 30, not an employee: only when entering a job
        },
    ),
    (
        "demandeuse d'emploi RQTH de 35 ans à l'AAH à Strasbourg, inscrite depuis 3 mois",
        {
            "age": 35,
            "statuses": ["demandeur_emploi", "travailleur_handicape"],
            "where": "Strasbourg",
            "facts": {"aah": "oui", "mois_inscription": 3},
        },
        {
            "cej": X,  # 29 at most with an RQTH
            "contrat_apprentissage": E,  # L6222-2: no upper age for a disabled worker
            "contrat_professionnalisation": E,
            "clauses_sociales": E,
            "pmsmp": E,
            "iae": E,
            "pec": E,
            "plateforme_mobilite": E,
            "aide_permis": ask("promesse_embauche", "are_journaliere"),  # under 6 months: a promise of a job
            "aides_mobilite": ask("are_journaliere"),  # the AAH is not an unemployment allowance
            "visale": ask("promesse_embauche"),
            "avance_loca_pass": X,
            "e2c": X,
        },
    ),
    (
        "demandeur d'emploi de 28 ans indemnisé 45 € par jour, promesse d'embauche en CDI, à Toulouse",
        {
            "age": 28,
            "statuses": ["demandeur_emploi"],
            "where": "Toulouse",
            "facts": {
                "promesse_embauche": "oui",
                "offre_emploi": "oui",
                "reprise": "cdi",
                "mois_inscription": 2,
                "are_journaliere": 45,
            },
        },
        {
            "poei": E,  # L6326-1: an offer of a CDI
            "afpr": X,  # abolished in 2024 (merged into the POEI)
            "aide_permis": X,  # F1719: an allowance above the ARE minimum
            "aides_mobilite": X,  # délibération 2023-54: above the ARE minimum
            "aide_frais_deplacement": X,
            "agepi": X,  # instruction 2024-16: allowance above 1,3 × the ARE minimum
            "visale": E,
            "avance_loca_pass": E,
            "contrat_apprentissage": E,
            "cej": X,  # 28, no RQTH
            "mobili_jeune": X,
            "emplois_francs": X,
        },
    ),
    (
        "mère isolée de 31 ans au RSA, enfants de 2 et 5 ans, en QPV à Cayenne",
        {
            "age": 31,
            "statuses": ["beneficiaire_rsa", "parent_isole", "residant_qpv"],
            "where": "Cayenne",
            "facts": {"enfants": "2,5"},
        },
        {
            "avip": E,  # an RSA beneficiary with a child under 3
            "paje": E,  # a child under 6
            # loi 2023-1196 (plein emploi): since 2025-01-01 every RSA beneficiary is registered with France
            # Travail; the aide à la garde d'enfants then depends on the job or training taken up
            "agepi": ask("reprise"),
            "aides_mobilite": ask("are_journaliere"),
            "pec": E,
            "iae": E,
            "cie": E,  # overseas
            "pmsmp": E,
            "clauses_sociales": E,
            "contrat_professionnalisation": E,  # 26 or more with the RSA
            "contrat_apprentissage": X,
            "cej": X,
            "visale": ask("promesse_embauche"),
            "avance_loca_pass": X,
            "emplois_francs": X,
        },
    ),
    (
        "salarié de 34 ans embauché en CDI il y a 2 mois à Lille",
        {
            "age": 34,
            "statuses": ["salarie"],
            "where": "Lille",
            "facts": {"prise_de_poste_recente": "oui"},
        },
        {
            "visale": E,  # visale.fr: over 30, an employee who took his job less than 6 months ago
            "avance_loca_pass": E,  # F18490: an employee of the private sector (checked)
            "cep": E,
            "cpf": E,
            "pec": X,  # people without a job
            "iae": X,
            "cej": X,
            "aides_mobilite": X,
            "aif": X,
            "aide_permis": X,
            "contrat_apprentissage": X,
            "mobili_jeune": X,
        },
    ),
    (
        "travailleuse indépendante de 45 ans à Bordeaux",
        {"age": 45, "statuses": ["travailleur_independant"], "where": "Bordeaux"},
        {
            "cpf": E,  # L6323-25: self-employed people hold a CPF
            "cep": E,  # every working person
            "visale": ask("promesse_embauche"),  # over 30, not an employee: only when entering a job
            "avance_loca_pass": X,  # neither an employee, nor a job seeker or student under 30
            "pec": X,  # people without a job (L5134-20)
            "iae": X,
            "cui": X,
            "aides_mobilite": X,
            "cej": X,
            "contrat_apprentissage": X,
        },
    ),
    (
        "demandeur d'emploi non indemnisé de 52 ans en ZRR à Aurillac, inscrit depuis 8 mois",
        {
            "age": 52,
            "statuses": ["demandeur_emploi", "residant_zrr", "senior"],
            "where": "Aurillac",
            "facts": {"mois_inscription": 8, "are_journaliere": 0},
        },
        {
            "aide_permis": E,  # F1719: 6 months registered, not compensated
            "aides_mobilite": E,
            "aide_frais_deplacement": E,
            "clauses_sociales": E,  # 50 or more
            "aif": E,
            "poe": E,
            "mrs": E,
            "contrat_professionnalisation": E,
            "plateforme_mobilite": E,
            "pec": E,
            "iae": E,
            "agepi": ask("enfants"),
            "epide": X,  # added after the first run: 17 to 25
            "pat": ABSENT,  # added after the first run: a contract among a territory's actors, not a person's
            "visale": ask("promesse_embauche"),
            "avance_loca_pass": X,
            "cej": X,
            "contrat_apprentissage": X,
        },
    ),
    (
        "jeune de 17 ans sans qualification, sans emploi ni formation, à Orléans",
        {
            "age": 17,
            "statuses": ["sans_emploi_ni_formation"],
            "where": "Orléans",
            "facts": {"sans_qualification": "oui"},
        },
        {
            "cej": E,
            "pacea": E,
            "e2c": E,
            "contrat_apprentissage": E,
            "cpf": E,  # from 16
            "visale": X,  # 18 at least
            "aide_permis": X,  # a registered job seeker of 18 or more
            "aide_permis_apprentis": X,
            "prepa_apprentissage": X,  # ended on 2024-12-31
            "garantie_jeunes": X,
            "mobili_jeune": X,
            "aides_mobilite": X,  # not registered
            "epide": E,  # added after the first run: 17 to 25, without a qualification
        },
    ),
]


@pytest.mark.parametrize("persona", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_a_new_persona_gets_the_official_verdicts(built: Service, persona) -> None:
    check_persona(built, persona)


# ---------------------------------------------------------------- the rules these personas fixed (no corpus)


def test_the_ass_is_below_the_minimum_are_and_the_amount_decides_otherwise() -> None:
    ass = decide_for("aides_mobilite", 62, {"demandeur_emploi"}, {"ass": True})
    assert ass.decision == "eligible"
    assert any("allocation de solidarité spécifique (ASS) : oui ✓" in m for m in ass.met)
    asked = decide_for("aides_mobilite", 40, {"demandeur_emploi"})
    assert asked.decision == "undecided" and [m.fact for m in asked.missing] == ["are_journaliere"]
    high = decide_for("aides_mobilite", 40, {"demandeur_emploi"}, {"are_journaliere": 45})
    assert high.decision == "excluded"
    # the ASS meets a ceiling of at least the minimum ARE, never a lower one; a given amount wins
    given = decide_for(
        "aide_frais_deplacement", 40, {"demandeur_emploi"}, {"ass": True, "are_journaliere": 45}
    )
    assert given.decision == "excluded"


def test_an_rsa_beneficiary_is_a_registered_job_seeker_and_the_trace_says_why() -> None:
    r = decide_for("aides_mobilite", 31, {"beneficiaire_rsa"}, {"are_journaliere": 0})
    assert r.decision == "eligible"
    assert "demandeur d'emploi : bénéficiaire du RSA ✓" in r.met


def test_a_self_employed_person_is_not_a_person_without_a_job() -> None:
    for slug in ("pec", "iae", "cui", "cie", "aci"):
        r = decide_for(slug, 45, {"travailleur_independant"})
        assert r.decision == "excluded" and "travailleur indépendant : exclu ✗" in r.failed, slug
    assert decide_for("cpf", 45, {"travailleur_independant"}).decision == "eligible"


def test_a_long_term_job_seeker_is_not_asked_how_long_he_has_been_registered() -> None:
    r = decide_for("aide_permis", 58, {"demandeur_emploi_longue_duree"}, {"are_journaliere": 0})
    assert r.decision == "eligible"
    assert any("demandeur d'emploi de longue durée (12 mois au moins) ✓" in m for m in r.met)
    short = decide_for("aide_permis", 58, {"demandeur_emploi"}, {"are_journaliere": 0})
    assert "mois_inscription" in {m.fact for m in short.missing}


def test_the_kind_of_return_to_work_is_asked_before_what_depends_on_it() -> None:
    parent = {"enfants": [3], "are_journaliere": 0}
    first = decide_for("agepi", 30, {"demandeur_emploi"}, parent)
    assert [m.fact for m in first.missing] == ["reprise"]  # not the contract's length nor the hours yet
    cdd = decide_for("agepi", 30, {"demandeur_emploi"}, {**parent, "reprise": "cdd"})
    assert [m.fact for m in cdd.missing] == ["contrat_duree_mois"]
