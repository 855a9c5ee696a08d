"""Twenty-one more profiles an adviser brings (session 12, second set), at edges sets 9 to 11 leave: ages
exactly at a bound (16 for the CEJ and the EPIDE's 17, 18 for an apprentice's licence aid, 29 and 30 with
an RQTH, 30 for the Avance Loca-Pass, 31 for Visale), an RQTH over 30 (the apprenticeship's exception), an
ASS recipient whose allowance amount is not given, a child of exactly 3 (the AVIP) and of exactly 6 (the
PAJE), registration of 5 and of exactly 12 months, an employee with a promise of a new job, a contrat de
professionnalisation at 26, a retiree who looks for work, wages and allowances at and one cent over a
ceiling, a profile whose facts are missing (questions, not verdicts), local schemes by territory
containment (Eure, Vendée, Bretagne), a short commune name and ambiguous ones; and malformed profiles sent
to the HTTP route (422 in French with the valid values, never a 5xx). Written from the official rules (the
texts each comment names) and committed before qfq was run on them.

A verdict is "eligible", "excluded", "absent" (not listed: a local scheme of another territory) or
("undecided", facts): undecided, and the facts it must ask about (at least; a status asked is
``status:<slug>``). Beside the verdicts, `failed` gives words the failed condition of an excluded
dispositif must show and `where` the place understood; every persona is also checked for slugs in the
French texts, for « aucune condition » where a rule exists and for a question about a fact already given
(tests/persona_checks.py). Where the official verdict is in doubt for a persona the dispositif is left out
rather than guessed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service
from ingest.errors import InputError
from tests.persona_checks import ABSENT, E, X, ask, check_persona_details

PERSONAS: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    (
        "jeune de 16 ans tout juste, sorti de seconde sans qualification, sans emploi ni formation, à Évreux",
        {
            "age": 16,
            "statuses": ["sans_emploi_ni_formation"],
            "where": "Évreux",
            "facts": {"sans_qualification": "oui"},
        },
        {
            "cej": E,  # décret 2022-199 / L5131-6: 16 to 25 révolus
            "pacea": E,  # 16 to 25
            "e2c": E,  # 16 to 25, out of school without a professional qualification
            "epide": X,  # travail-emploi.gouv.fr: 17 to 25 révolus
            "contrat_apprentissage": E,  # L6222-1: 16 to 29
            "cpf": E,  # L6323-2: from 16
            "visale": X,  # visale.fr: 18 to 30 included
            "aide_permis": X,  # F1719: a job seeker of 18 or more
            "aide_permis_apprentis": X,  # 18 or more, and an apprentice
            "contrat_professionnalisation": E,  # L6325-1: 16 to 25
            "clauses_sociales": E,  # a young person under 26 out of school
            "plateforme_mobilite": E,  # L1215-3: a person far from employment
            "pmsmp": E,
            "iae": E,
            "macigogne": X,  # a scheme of the Eure, for registered job seekers: she is not registered
            "bretagne_alternance": ABSENT,
        },
        {"failed": {"epide": "16 ans", "visale": "16 ans"}, "where": ("Évreux", "27229")},
    ),
    (
        "apprenti de 18 ans tout juste, en CAP dans une entreprise privée, payé 1 000 € brut, à Saint-Brieuc "
        "(dit « St-Brieuc »)",
        {
            "age": 18,
            "statuses": ["apprenti"],
            "where": "St-Brieuc",
            "facts": {"employeur_prive_non_agricole": "oui", "salaire_brut_mensuel": 1000},
        },
        {
            # abolished on 2026-01-01 (loi de finances pour 2026, conditions.toml; set 12's research, merged
            # after this set was written blind, which expected « eligible » from the décret 2019-1 alone)
            "aide_permis_apprentis": X,
            "visale": E,  # 18 to 30
            "avance_loca_pass": E,  # F18490: a young person in alternance (and an employee)
            "mobili_jeune": E,  # under 30, alternant, private non-farm employer, ≤ SMIC
            "bail_mobilite": E,  # art. 25-12: an apprenticeship
            "bretagne_alternance": E,  # Saint-Brieuc is in Bretagne
            "orientibus": ABSENT,  # Pays de la Loire
            "cej": X,  # follows a formation
            "iae": X,  # holds a contrat de travail
            "aide_permis": X,  # a registered job seeker's aid
            "aif": X,
            "cpf": E,
        },
        {"where": ("Saint-Brieuc", "22278"), "failed": {"cej": "alternant"}},
    ),
    (
        "jeune de 29 ans reconnu travailleur handicapé, sans emploi ni formation, à Rennes",
        {"age": 29, "statuses": ["sans_emploi_ni_formation", "travailleur_handicape"], "where": "Rennes"},
        {
            "cej": E,  # L5131-6: up to 29 révolus for a disabled young person
            "pacea": X,  # 16 to 25
            "e2c": X,  # 16 to 25
            "epide": X,  # 17 to 25
            "contrat_apprentissage": E,  # 29, and no upper age with an RQTH anyway
            "contrat_professionnalisation": ask("aah"),  # over 25 and not registered: only the AAH
            "clauses_sociales": E,  # RQTH
            "visale": E,
            "plateforme_mobilite": E,
            "pmsmp": E,
            "bretagne_alternance": E,
        },
        {"failed": {"pacea": "29 ans"}},
    ),
    (
        "demandeur d'emploi de 30 ans tout juste reconnu travailleur handicapé, sans emploi, à Lorient",
        {"age": 30, "statuses": ["demandeur_emploi", "travailleur_handicape"], "where": "Lorient"},
        {
            "cej": X,  # 29 at most even with an RQTH
            "contrat_apprentissage": E,  # L6222-2: no upper age for a disabled worker
            "contrat_professionnalisation": E,  # a job seeker of 26 or more
            "visale": E,  # 30 included
            "avance_loca_pass": X,  # F18490: a job seeker « de moins de 30 ans »
            "clauses_sociales": E,  # RQTH
            "aif": E,
            "mrs": E,
            "iae": E,
            "plateforme_mobilite": E,
        },
        {"failed": {"cej": "30 ans", "avance_loca_pass": "30 ans"}},
    ),
    (
        "demandeuse d'emploi de 47 ans reconnue travailleuse handicapée, inscrite depuis 3 mois, non "
        "indemnisée, qui veut entrer en apprentissage, à Brest",
        {
            "age": 47,
            "statuses": ["demandeur_emploi", "travailleur_handicape"],
            "where": "Brest",
            "facts": {"mois_inscription": 3, "are_journaliere": 0},
        },
        {
            "contrat_apprentissage": E,  # L6222-2: the age limit does not apply to a disabled worker
            "cej": X,
            "contrat_professionnalisation": E,
            "clauses_sociales": E,  # RQTH (and a job seeker over 50 would also do: not her)
            "aides_mobilite": E,  # délib. 2023-54: not compensated
            "aide_frais_deplacement": E,
            "aide_permis": ask("promesse_embauche"),  # 3 months < 6: only the derogation for a job promise
            "visale": ask("promesse_embauche"),  # over 30, not an employee
            "avance_loca_pass": X,
            "mobili_jeune": X,  # under 30 and in alternance
            "aif": E,
            "cpf": E,
        },
        {"failed": {"avance_loca_pass": "47 ans", "cej": "47 ans"}},
    ),
    (
        "demandeur d'emploi de 52 ans à l'ASS (montant non dit), inscrit depuis 8 mois, à Montluçon",
        {
            "age": 52,
            "statuses": ["demandeur_emploi"],
            "where": "Montluçon",
            "facts": {"ass": "oui", "mois_inscription": 8},
        },
        {
            "clauses_sociales": E,  # a recipient of the ASS (and a job seeker over 50)
            "aides_mobilite": E,  # the ASS is below the minimum ARE (facts.toml: at_most_if)
            "aide_frais_deplacement": E,
            "aide_permis": E,  # F1719: 6 months of registration and an allowance ≤ the minimum ARE
            "contrat_professionnalisation": E,  # L6325-1: a job seeker, an ASS recipient
            "plateforme_mobilite": E,
            "avance_loca_pass": X,
            "contrat_apprentissage": X,
            "cej": X,
            "iae": E,
            "pec": E,
            "aif": E,
            "poe": E,
        },
        {"failed": {"contrat_apprentissage": "52 ans"}},
    ),
    (
        "mère demandeuse d'emploi de 28 ans, un enfant de 3 ans tout juste, qui reprend un CDI, non "
        "indemnisée, à Angers",
        {
            "age": 28,
            "statuses": ["demandeur_emploi"],
            "where": "Angers",
            "facts": {"enfants": [3], "reprise": "cdi", "are_journaliere": 0},
        },
        {
            "avip": X,  # crèches AVIP: children under 3
            "agepi": E,  # instruction 2024-16: a child under 12, a CDI, allowance ≤ 1,3 × the minimum ARE
            "paje": E,  # the CMG: a child under 6
            "aides_mobilite": E,
            "avance_loca_pass": E,  # a job seeker under 30
            "visale": E,
            "orientibus": E,  # Angers is in the Pays de la Loire
            "macigogne": ABSENT,  # Vendée and Eure only
            "cej": X,  # 28 without an RQTH
            "contrat_apprentissage": E,  # 28
        },
        {"failed": {"avip": "3 ans"}},
    ),
    (
        "père demandeur d'emploi de 40 ans en couple, un enfant de 6 ans tout juste, qui reprend un CDD de "
        "2 mois, indemnisé 25 € par jour, à La Roche-sur-Yon",
        {
            "age": 40,
            "statuses": ["demandeur_emploi"],
            "where": "La Roche-sur-Yon",
            "facts": {"enfants": [6], "reprise": "cdd", "contrat_duree_mois": 2, "are_journaliere": 25},
        },
        {
            # the CMG stops at 6 (12 only for an isolated parent: not him); a coming birth would open the
            # PAJE, and it is not said
            "paje": ask("naissance_attendue"),
            "agepi": E,  # a child under 12, a CDD of 28 days or more, 25 € ≤ 41,77 €
            "avip": X,
            "aides_mobilite": E,  # 25 € ≤ 32,13 €
            "macigogne": E,  # a job seeker in the Vendée
            "orientibus": E,
            "avance_loca_pass": X,
            "cej": X,
        },
        {"where": ("La Roche-sur-Yon", "85191")},
    ),
    (
        "demandeuse d'emploi de 45 ans inscrite depuis 5 mois, indemnisée 20 € par jour, à Poitiers",
        {
            "age": 45,
            "statuses": ["demandeur_emploi"],
            "where": "Poitiers",
            "facts": {"mois_inscription": 5, "are_journaliere": 20},
        },
        {
            "aide_permis": ask("promesse_embauche"),  # 5 < 6 months: the job-promise derogation decides
            "aides_mobilite": E,
            # not a long-term job seeker (5 months), under 50, no RSA: an ASS or an AAH would qualify
            "clauses_sociales": ask("aah"),
            "contrat_professionnalisation": E,
            "avance_loca_pass": X,
            "visale": ask("promesse_embauche"),
            "aif": E,
            "mrs": E,
            "iae": E,
        },
        {},
    ),
    (
        "demandeur d'emploi de 45 ans inscrit depuis 12 mois tout juste, indemnisé 40 € par jour, à Limoges",
        {
            "age": 45,
            "statuses": ["demandeur_emploi"],
            "where": "Limoges",
            "facts": {"mois_inscription": 12, "are_journaliere": 40},
        },
        {
            "clauses_sociales": E,  # a long-term job seeker: 12 months of registration
            "aide_permis": X,  # 40 € > the minimum ARE
            "aides_mobilite": X,
            "aide_frais_deplacement": X,
            "contrat_professionnalisation": E,
            "iae": E,
            "pec": E,
            "aif": E,
        },
        {"failed": {"aide_permis": "allocation chômage journalière"}},
    ),
    (
        "salarié de 33 ans en CDI depuis 4 ans, payé 1 900 € net, avec une promesse d'embauche ailleurs, à "
        "Tours",
        {
            "age": 33,
            "statuses": ["salarie"],
            "where": "Tours",
            "facts": {
                "promesse_embauche": "oui",
                "salaire_net_mensuel": 1900,
                "prise_de_poste_recente": "non",
            },
        },
        {
            "visale": E,  # visale.fr: over 30 with a promise of a job (whatever the wage)
            "avance_loca_pass": E,  # F18490: an employee (a private employer to check)
            "cep": E,
            "cpf": E,
            "pmsmp": E,
            "iae": X,
            "pec": X,
            "aif": X,
            "aide_permis": X,
            "cej": X,
            "contrat_apprentissage": X,
        },
        {"failed": {"aif": "demandeur d'emploi"}},
    ),
    (
        "salariée de 32 ans en CDI depuis 2 ans, payée 1 500,01 € net, sans promesse d'embauche, à Orléans",
        {
            "age": 32,
            "statuses": ["salarie"],
            "where": "Orléans",
            "facts": {
                "salaire_net_mensuel": 1500.01,
                "prise_de_poste_recente": "non",
                "promesse_embauche": "non",
            },
        },
        {
            "visale": X,  # over 30: a job taken < 6 months ago, a wage ≤ 1 500 € net or a promise: none
            "avance_loca_pass": E,
            "cep": E,
            "iae": X,
        },
        {"failed": {"visale": "salaire net mensuel"}},
    ),
    (
        "alternante de 26 ans en contrat de professionnalisation, entreprise privée, payée 1 867,02 € brut "
        "(le SMIC), à Nantes",
        {
            "age": 26,
            "statuses": ["alternant"],
            "where": "Nantes",
            "facts": {"employeur_prive_non_agricole": "oui", "salaire_brut_mensuel": 1867.02},
        },
        {
            "mobili_jeune": E,  # actionlogement.fr: under 30, a wage at most the SMIC (equal is at most)
            "avance_loca_pass": E,
            "visale": E,
            "bail_mobilite": E,  # a professional training
            "aide_permis_apprentis": X,  # apprentices only
            "cej": X,  # 26, and in a formation
            "iae": X,
            "aif": X,
            "orientibus": E,
        },
        {"failed": {"aide_permis_apprentis": "apprenti"}},
    ),
    (
        "apprenti de 23 ans dans une entreprise privée, payé 1 867,03 € brut (un centime au-dessus du SMIC), "
        "à Quimper",
        {
            "age": 23,
            "statuses": ["apprenti"],
            "where": "Quimper",
            "facts": {"employeur_prive_non_agricole": "oui", "salaire_brut_mensuel": 1867.03},
        },
        {
            "mobili_jeune": X,  # over the SMIC
            "aide_permis_apprentis": X,  # abolished on 2026-01-01
            "avance_loca_pass": E,
            "visale": E,
            "bretagne_alternance": E,
        },
        {"failed": {"mobili_jeune": "salaire brut mensuel"}},
    ),
    (
        "mère demandeuse d'emploi de 35 ans, enfant de 5 ans, qui reprend un CDI, indemnisée 41,77 € "
        "par jour (1,3 fois l'ARE minimale tout juste), à Dijon",
        {
            "age": 35,
            "statuses": ["demandeur_emploi"],
            "where": "Dijon",
            "facts": {"enfants": [5], "reprise": "cdi", "are_journaliere": 41.77},
        },
        {
            "agepi": E,  # F1814 / instruction 2024-16: at most 41,77 €
            "aides_mobilite": X,  # 41,77 € > 32,13 €
            "aide_permis": X,
            "paje": E,  # a child under 6
            "avip": X,
        },
        {"failed": {"aides_mobilite": "allocation chômage journalière"}},
    ),
    (
        "père demandeur d'emploi de 35 ans, enfant de 5 ans, qui reprend un CDI, indemnisé 41,78 € par jour, "
        "à Dijon",
        {
            "age": 35,
            "statuses": ["demandeur_emploi"],
            "where": "Dijon",
            "facts": {"enfants": [5], "reprise": "cdi", "are_journaliere": 41.78},
        },
        {"agepi": X, "paje": E},  # one cent over 1,3 × the minimum ARE
        {"failed": {"agepi": "allocation chômage journalière"}},
    ),
    (
        "demandeur d'emploi de 40 ans dont on ne sait rien d'autre, à Rennes",
        {"age": 40, "statuses": ["demandeur_emploi"], "where": "Rennes"},
        {
            "aide_permis": ask("mois_inscription", "are_journaliere"),
            "aides_mobilite": ask("are_journaliere"),
            "agepi": ask("enfants"),
            "clauses_sociales": ask("mois_inscription", "aah"),
            "avip": ask("enfants"),
            "paje": ask("enfants"),
            "poei": ask("offre_emploi"),
            "visale": ask("promesse_embauche"),
            "aif": E,
            "mrs": E,
            "contrat_professionnalisation": E,
            "cej": X,
            "avance_loca_pass": X,
            "bretagne_alternance": E,
        },
        {},
    ),
    (
        "jeune de 22 ans dont les statuts ne sont pas dits, à Lille",
        {"age": 22, "statuses": [], "where": "Lille"},
        {
            "cej": ask("status:etudiant"),  # not a student, not in alternance: to ask
            "pacea": E,  # 16 to 25, nothing else
            "visale": E,  # 18 to 30, whatever the situation
            "contrat_apprentissage": E,
            "contrat_professionnalisation": E,  # under 26 whatever the status
            # corrected after the first run: the CPF closes with the pension (L6323-1) and the retiree of this
            # very set is turned away, so with the statuses unknown the adviser is asked (written E blind)
            "cpf": ask("status:retraite"),
            "aif": ask("status:demandeur_emploi"),
            "iae": ask("status:salarie"),
        },
        {},
    ),
    (
        "retraité de 66 ans qui cherche un emploi, inscrit comme demandeur d'emploi, à Pau",
        {"age": 66, "statuses": ["retraite", "demandeur_emploi"], "where": "Pau"},
        {
            # L6323-1: the CPF closes when its holder has taken all their pension rights
            "cpf": X,
            # travail-emploi.gouv.fr: the CEP is for working people; a retiree only if they hold a job
            "cep": X,
            "contrat_apprentissage": X,
            "cej": X,
            "avance_loca_pass": X,
            "aif": E,  # a registered job seeker
            "mrs": E,
        },
        {"failed": {"cpf": "retraité"}},
    ),
    (
        "demandeur d'emploi de 31 ans sans promesse d'embauche, inscrit depuis 2 mois, à Caen",
        {
            "age": 31,
            "statuses": ["demandeur_emploi"],
            "where": "Caen",
            "facts": {"promesse_embauche": "non", "mois_inscription": 2},
        },
        {
            "visale": X,  # visale.fr: 18 to 30 included; over 30, not an employee and no promise
            "avance_loca_pass": X,  # F18490: a job seeker under 30
            "contrat_apprentissage": X,  # L6222-1: 29 at most without an RQTH
            "mobili_jeune": X,
            "contrat_professionnalisation": E,  # a job seeker of 26 or more
            "aide_permis": X,  # F1719: 2 < 6 months of registration and no promise of a job
            "aif": E,
        },
        {"failed": {"contrat_apprentissage": "31 ans"}},
    ),
    (
        "demandeuse d'emploi de 27 ans en quartier prioritaire, commune donnée par son code INSEE (93071), "
        "promesse d'embauche en CDI",
        {
            "age": 27,
            "statuses": ["demandeur_emploi", "residant_qpv"],
            "where": "93071",
            "facts": {"promesse_embauche": "oui", "reprise": "cdi"},
        },
        {
            "emplois_francs": X,  # closed to contracts signed from 2025-01-01
            "avance_loca_pass": E,  # a job seeker under 30
            "visale": E,
            "cej": X,  # 27 without an RQTH
            "contrat_apprentissage": E,
            "aif": E,
        },
        {"where": ("Sevran", "93071")},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_a_session_12b_persona_gets_the_official_verdicts(built: Service, persona) -> None:
    check_persona_details(built, persona)


@pytest.mark.parametrize(
    ("where", "departements"),
    [
        ("Boulogne", ("92", "62")),  # Boulogne-Billancourt and Boulogne-sur-Mer
        ("Aix", ("13", "73")),  # Aix-en-Provence and Aix-les-Bains (and a village Aix of the Corrèze)
    ],
)
def test_an_ambiguous_short_name_is_asked(built: Service, where, departements) -> None:
    with pytest.raises(InputError) as err:
        built.match(age=35, statuses=["demandeur_emploi"], where=where)
    assert "plusieurs communes" in err.value.message
    for dep in departements:
        assert f"({dep})" in err.value.valid


ENGLISH = ("Input should", "Field required", "value is not", "Extra inputs", "not a valid")

# (how the profile is sent, the payload, whether the answer must list valid values)
MALFORMED: list[tuple[str, str, Any, bool]] = [
    ("status in English", "post", {"age": 30, "statuses": ["job_seeker"], "where": "Caen"}, True),
    ("unknown fact", "post", {"age": 30, "where": "Caen", "facts": {"revenu": 900}}, True),
    ("fractional age", "post", {"age": 15.5, "where": "Caen"}, False),
    ("age as true", "post", {"age": True, "where": "Caen"}, False),
    ("unknown need", "post", {"age": 30, "needs": ["voiture"], "where": "Caen"}, True),
    ("facts as a list", "post", {"age": 30, "where": "Caen", "facts": ["ass"]}, False),
    ("months in words", "post", {"age": 30, "where": "Caen", "facts": {"mois_inscription": "douze"}}, False),
    ("negative allowance", "post", {"age": 30, "where": "Caen", "facts": {"are_journaliere": -1}}, True),
    ("children not ages", "post", {"age": 30, "where": "Caen", "facts": {"enfants": ["bébé"]}}, False),
    ("unknown status in the query", "get", {"age": 30, "where": "Caen", "status": "chomeur"}, True),
    ("age 200 in the query", "get", {"age": 200, "where": "Caen"}, True),
    ("unknown fact in the query", "get", {"age": 30, "where": "Caen", "fact": "revenu=900"}, True),
]


@pytest.mark.parametrize(
    ("how", "payload", "lists_valid"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_a_malformed_profile_is_a_french_422(
    built: Service, how: str, payload: Any, lists_valid: bool
) -> None:
    with TestClient(create_app(built.settings), raise_server_exceptions=False) as client:
        r = client.get("/match", params=payload) if how == "get" else client.post("/match", json=payload)
    assert r.status_code == 422, (r.status_code, r.text[:300])
    assert not any(e in r.text for e in ENGLISH), r.text[:400]
    if lists_valid:
        assert r.json().get("valid"), r.text[:300]


def test_a_short_name_with_a_departement_hint_is_not_answered_elsewhere(built: Service) -> None:
    # added after the first run: « Boulogne (62) » found only the former commune of the Vendée (85)
    with pytest.raises(InputError) as err:
        built.match(age=35, statuses=["demandeur_emploi"], where="Boulogne (62)")
    assert "« Boulogne-sur-Mer (62) »" in err.value.valid and "(85)" not in err.value.valid
    assert (
        built.match(age=35, statuses=["demandeur_emploi"], where="Aix-les-Bains")["profile"]["where"]["code"]
        == "73008"
    )
