"""Profiles an adviser brings, each with what the official rules say of the dispositifs it touches.

Every expectation names its rule (the official page or text, as `conditions.toml` cites it): a persona is a
person an employment adviser meets, the verdicts are what a careful adviser would answer from the rules, and
the test reports every verdict qfq gets wrong at once (not only the first)."""

from __future__ import annotations

from typing import Any

import pytest

from api.service import Service

E, X, U = "eligible", "excluded", "undecided"
ABSENT = "absent"  # a local scheme of another territory: not listed at all

PERSONAS: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    (
        "apprenti de 17 ans à Caen",
        {"age": 17, "statuses": ["apprenti"], "where": "Caen"},
        {
            "visale": X,  # visale.fr: 18 to 30 years old, or a salaried person over 30
            "avance_loca_pass": E,  # F18490: an apprentice under 30 (and a private-sector employee)
            "mobili_jeune": U,  # Action Logement: employer in the private non-farm sector, wage ≤ SMIC
            "aide_permis_apprentis": X,  # décret 2019-1: at least 18 years old
            "contrat_apprentissage": E,  # Code du travail L6222-1: 16 (15 after the 3e) to 29
            "cej": X,  # Code du travail L5131-6: not for the young « qui suivent une formation »
            "iae": X,  # an apprentice holds a contrat de travail (L6221-1): not a person without a job
            "pec": X,
            "aides_mobilite": X,  # France Travail: job seekers
            "plateforme_mobilite": E,  # Code des transports L1215-3: every young apprentice
            "bail_mobilite": E,  # loi 89-462 art. 25-12: a contrat d'apprentissage
            "garantie_jeunes": X,  # replaced by the CEJ on 2022-03-01
            "emplois_francs": X,  # closed on 2025-01-01
        },
    ),
    (
        "allocataire du RSA de 45 ans en QPV",
        {"age": 45, "statuses": ["beneficiaire_rsa", "residant_qpv"], "where": "Hérouville-Saint-Clair"},
        {
            "cej": X,  # 16 to 25 (29 with an RQTH)
            "contrat_professionnalisation": E,  # L6325-1: from 26, a beneficiary of the RSA
            "contrat_apprentissage": X,  # under 30 without an RQTH
            "pmsmp": E,  # L5135-1: a person in a personalised social or professional support
            "iae": E,  # a priority public of the IAE
            "pec": E,
            "clauses_sociales": E,  # a beneficiary of a minimum social benefit
            "emplois_francs": X,  # would have applied (QPV), closed on 2025-01-01
            "avance_loca_pass": X,  # neither employee, nor student, nor under 30
            "visale": U,  # over 30, not salaried: only with a promesse d'embauche (asked)
            "avip": U,  # a child under 3 (asked)
            "e2c": X,  # 16 to 25
        },
    ),
    (
        "demandeur d'emploi RQTH de 26 ans à Rennes",
        {"age": 26, "statuses": ["demandeur_emploi", "travailleur_handicape"], "where": "Rennes"},
        {
            "cej": E,  # up to 29 with an RQTH
            "contrat_apprentissage": E,  # no upper age for a disabled worker (L6222-2)
            "contrat_professionnalisation": E,  # a job seeker of 26 or more
            "visale": E,  # 18 to 30
            "avance_loca_pass": E,  # a job seeker under 30
            "e2c": X,  # 16 to 25
            "pmsmp": E,
            "aif": E,  # a job seeker
            "poe": E,
            "clauses_sociales": E,  # a disabled worker
            "bretagne_alternance": E,  # a Bretagne scheme, Rennes is in Bretagne
            "macigogne": ABSENT,  # Vendée and Eure only
            "aide_permis": U,  # registration length or a job offer, and the allowance (asked)
        },
    ),
    (
        "parent demandeur d'emploi d'un enfant de 1 an à Vire",
        {"age": 32, "statuses": ["demandeur_emploi"], "where": "Vire", "facts": {"enfants": "1"}},
        {
            "avip": E,  # a child under 3, a job seeker or RSA beneficiary
            "paje": E,  # a child under 6
            "agepi": U,  # the allowance and the job or training taken up (asked)
            "macigogne": ABSENT,  # Calvados: not a territory of Macigogne
            "cej": X,
        },
    ),
    (
        "demandeur d'emploi de 40 ans avec une offre d'emploi en CDD de 8 mois à Saint-Lô",
        {
            "age": 40,
            "statuses": ["demandeur_emploi"],
            "where": "Saint-Lô",
            "facts": {
                "offre_emploi": "oui",
                "promesse_embauche": "oui",
                "reprise": "cdd",
                "contrat_duree_mois": 8,
            },
        },
        {
            "poei": E,  # an identified offer: CDI, or CDD / interim of at least 6 months
            "afpr": X,  # merged into the POEI
            "visale": E,  # over 30 with a promesse d'embauche
            "plateforme_mobilite_logement": E,  # Normandie, a job seeker with a job promised
            "aide_permis": U,  # the allowance (asked)
        },
    ),
    (
        "jeune de 19 ans sans emploi ni formation à La Roche-sur-Yon",
        {"age": 19, "statuses": ["sans_emploi_ni_formation"], "where": "La Roche-sur-Yon"},
        {
            "cej": E,
            "pacea": E,  # 16 to 25
            "e2c": U,  # out of school without a qualification (asked)
            "orientibus": E,  # a Pays de la Loire scheme
            "macigogne": X,  # in Vendée, but for job seekers
            "contrat_apprentissage": E,
            "garantie_jeunes": X,
        },
    ),
    (
        "demandeur d'emploi de 30 ans à Nantes",
        {"age": 30, "statuses": ["demandeur_emploi"], "where": "Nantes"},
        {
            "avance_loca_pass": X,  # F18490: « moins de 30 ans »
            "visale": E,  # visale.fr: 18 to 30 included
            "contrat_apprentissage": X,  # under 30
            "cej": X,
        },
    ),
    (
        "étudiante boursière de 20 ans à Nantes",
        {"age": 20, "statuses": ["etudiant"], "where": "Nantes", "facts": {"boursier": "oui"}},
        {
            "avance_loca_pass": E,  # F18490: a student with a State grant
            "visale": E,
            "cej": X,  # not a student
            "bail_mobilite": E,  # a student
            "iae": X,
        },
    ),
    (
        "parent isolé demandeur d'emploi d'un enfant de 8 ans à Évreux",
        {
            "age": 35,
            "statuses": ["demandeur_emploi", "parent_isole"],
            "where": "Évreux",
            "facts": {"enfants": "8"},
        },
        {
            "paje": E,  # an isolated parent with a child under 12 (CMG, décret 2025-515)
            "avip": X,  # no child under 3
            "macigogne": E,  # run in the Eure (Normandie plan)
            "agepi": U,
        },
    ),
    (
        "demandeur d'emploi de longue durée de 58 ans à Cholet",
        {"age": 58, "statuses": ["demandeur_emploi_longue_duree"], "where": "Cholet"},
        {
            "clauses_sociales": E,  # a long-term job seeker
            "aif": E,  # a job seeker (long-term entails it)
            "mrs": E,
            "contrat_professionnalisation": E,
            "cej": X,
            "visale": U,  # over 30, not salaried: a promesse d'embauche (asked)
        },
    ),
]


def verdicts(answer: dict[str, Any]) -> dict[str, str]:
    out = {}
    for decision in (E, X, U):
        for entry in answer[decision]:
            out[entry["dispositif"]["id"].removeprefix("dispositif:")] = decision
    return out


@pytest.mark.parametrize("persona", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_an_advisers_persona_gets_the_official_verdicts(built: Service, persona) -> None:
    _name, profile, expected = persona
    got = verdicts(built.match(**profile))
    wrong = {d: (want, got.get(d, ABSENT)) for d, want in expected.items() if got.get(d, ABSENT) != want}
    assert not wrong, f"(expected, got): {wrong}"


def test_the_verdicts_show_the_rule_and_the_value(built: Service) -> None:
    """The trace an adviser reads: the condition with the person's value, French throughout."""
    apprentice = built.match(age=17, statuses=["apprenti"], where="Caen")
    by_id = {e["dispositif"]["id"]: e for d in (E, X) for e in apprentice[d]}
    assert "18–30 ans : 17 ans ✗" in by_id["dispositif:visale"]["failed"][0]
    assert "alternant : exclu ✗" in by_id["dispositif:cej"]["failed"]
    parent = built.match(age=32, statuses=["demandeur_emploi"], where="Vire", facts={"enfants": "1"})
    avip = next(e for e in parent["eligible"] if e["dispositif"]["id"] == "dispositif:avip")
    assert "enfant de moins de 3 ans : 1 an ✓" in avip["reasons"]  # "1 an", not "1 ans"
    evreux = built.match(age=35, statuses=["demandeur_emploi"], where="Évreux", needs=["garde_enfants"])
    macigogne = next(e for e in evreux["eligible"] if e["dispositif"]["id"] == "dispositif:macigogne")
    assert "habiter Eure : Évreux ✓" in macigogne["reasons"]
