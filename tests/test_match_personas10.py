"""Fourteen more profiles an adviser brings (session 10), in shapes the earlier persona files lack: ages at
the edges of the rules (exactly 16, 18, 26, 27, 29, 30, 31, 32), a salaried person over 30 above the Visale
ceiling, a student over 30, an apprentice of 16 and one of 29, RSA with older children, a long-term job
seeker at the ASS with a short contract, an expected birth, an unknown age, a postal code, needs that narrow
the dispositifs shown — written from the official rules and committed before the matcher was run on them.

A verdict is "eligible", "excluded", "absent" (not listed: a local scheme of another territory, or a
dispositif that serves none of the needs declared) or ("undecided", facts): undecided, and the facts it must
ask about. Each expectation names its rule in a comment. Beside the verdicts, a persona may say which words
the failed condition of an excluded dispositif must show (`failed`) and where the person lives (`where`);
every persona is checked for slugs in the French texts, for « aucune condition » where the rule has one, and
for a question about a fact the profile already gives. A dispositif whose official verdict is in doubt for a
persona is left out rather than guessed."""

from __future__ import annotations

from typing import Any

import pytest

from api.service import Service
from ingest.errors import InputError
from tests.persona_checks import ABSENT, E, X, ask, check_persona_details

PERSONAS: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    (
        "jeune de 18 ans tout juste inscrit depuis 1 mois, non indemnisé, à Cherbourg, pour se déplacer",
        {
            "age": 18,
            "statuses": ["demandeur_emploi"],
            "where": "Cherbourg",
            "needs": ["mobilite"],
            "facts": {"mois_inscription": 1, "are_journaliere": 0},
        },
        {
            # F1719: 18 or more, 6 months registered or (derogation) a promise of a job of 3 months or more
            "aide_permis": ask("promesse_embauche"),
            "aides_mobilite": E,  # délib. FT 2023-54: a job seeker not compensated
            "aide_frais_deplacement": E,  # délib. FT 2021-42: not compensated
            "plateforme_mobilite": E,  # Code des transports L1215-3: every job seeker
            "aide_permis_apprentis": X,  # décret 2019-1: an apprentice only
            # Normandie (proposition 1-2): a job seeker with a job promise, a contract or a training
            "plateforme_mobilite_logement": ask("promesse_embauche"),
            # loi 89-462 art. 25-12: a job seeker who enters a training or a temp mission would qualify
            "bail_mobilite": ask("reprise"),
            # the need is mobility: the dispositifs that serve neither it are not listed
            "cej": ABSENT,
            "visale": ABSENT,
            "aif": ABSENT,
            "mobili_jeune": ABSENT,
            "agepi": ABSENT,
        },
        {"failed": {"aide_permis_apprentis": "apprenti"}, "where": ("Cherbourg-en-Cotentin", None)},
    ),
    (
        "demandeur d'emploi reconnu travailleur handicapé de 29 ans, à Lorient",
        {"age": 29, "statuses": ["demandeur_emploi", "travailleur_handicape"], "where": "Lorient"},
        {
            "cej": E,  # décret 2022-199: up to 29 included with an RQTH
            "pacea": X,  # 16 to 25
            "e2c": X,  # 16 to 25
            "epide": X,  # 17 to 25
            "contrat_apprentissage": E,  # L6222-1: up to 29 (and no upper limit with an RQTH)
            "contrat_professionnalisation": E,  # L6325-1: a job seeker of 26 or more
            "clauses_sociales": E,  # an RQTH
            "visale": E,  # 18 to 30
            "avance_loca_pass": E,  # F18490: a job seeker under 30
            "bretagne_alternance": E,  # Lorient is in Bretagne
            "aide_permis": ask("mois_inscription", "are_journaliere"),  # F1719
            "aides_mobilite": ask("are_journaliere"),  # délib. 2023-54
            "pmsmp": E,
            "iae": E,
            "pec": E,
            "cui": E,
            "plateforme_mobilite": E,
            "aif": E,
            "poe": E,
            "mrs": E,
            "mobili_jeune": X,  # an alternant only
            "garantie_jeunes": X,  # replaced by the CEJ
            "prepa_apprentissage": X,  # ended on 2024-12-31
            "orientibus": ABSENT,
            "macigogne": ABSENT,
        },
        {"failed": {"pacea": "29 ans ✗", "e2c": "29 ans ✗", "epide": "29 ans ✗"}},
    ),
    (
        "demandeuse d'emploi de 30 ans tout juste, inscrite depuis 5 mois, indemnisée 28 € par jour, "
        "à Montpellier",
        {
            "age": 30,
            "statuses": ["demandeur_emploi"],
            "where": "Montpellier",
            "facts": {"mois_inscription": 5, "are_journaliere": 28},
        },
        {
            "visale": E,  # visale.fr: 18 to 30 included
            "avance_loca_pass": X,  # F18490: a job seeker « de moins de 30 ans »
            "mobili_jeune": X,
            "contrat_apprentissage": X,  # L6222-1: 29 at most without an RQTH
            "cej": X,  # 25 at most (29 with an RQTH)
            "pacea": X,
            "e2c": X,
            "epide": X,
            "contrat_professionnalisation": E,  # L6325-1: a job seeker of 26 or more
            "aide_permis": ask("promesse_embauche"),  # 5 months: the derogation (a promise) decides
            "aides_mobilite": E,  # 28 € ≤ the minimum ARE (32,13 €)
            "aide_frais_deplacement": E,
            "agepi": ask("enfants"),
            "clauses_sociales": ask("ass", "aah"),  # 5 months registered: a minimum benefit would qualify
            "iae": E,
            "pec": E,
            "aif": E,
            "mrs": E,
            "poe": E,
            "pmsmp": E,
            "cpf": E,
            "cep": E,
        },
        {"failed": {"contrat_apprentissage": "30 ans ✗", "pacea": "30 ans ✗", "avance_loca_pass": "30 ans"}},
    ),
    (
        "salarié de 31 ans en CDI depuis 8 mois, payé 1 600 € net, qui pense à se reconvertir, à Nantes",
        {
            "age": 31,
            "statuses": ["salarie"],
            "where": "Nantes",
            # « promesse_embauche » added after the first run: visale.fr also covers a person over 30 awaiting
            # a job (a promise), an employee changing employer too, so without it the rule asks (qfq did)
            "facts": {
                "prise_de_poste_recente": "non",
                "salaire_net_mensuel": 1600,
                "promesse_embauche": "non",
            },
        },
        {
            # visale.fr: over 30, an employee is covered when he took his job less than 6 months ago, earns
            # at most 1,500 € net a month, or has a promise of a job: none here
            "visale": X,
            "avance_loca_pass": E,  # F18490: an employee of the private sector at any age (checked)
            "mobili_jeune": X,
            "cep": E,  # every working person
            "cpf": E,
            "clea": E,  # no condition on the person
            "iae": X,  # people without a job
            "pec": X,
            "cui": X,
            "aif": X,  # a job seeker's aid
            "poei": X,  # a job seeker with an offer
            # the POE collective is open to employees on a CUI or in an SIAE (loi du 5 mars 2014)
            "poe": ask("salarie_insertion"),
            "poec": ask("salarie_insertion"),
            "contrat_apprentissage": X,  # 31, no RQTH
            "contrat_professionnalisation": ask("aah"),  # 26 or more: a beneficiary of the AAH would qualify
            "clauses_sociales": ask("aah", "salarie_insertion"),
            "cej": X,
            "aides_mobilite": X,
        },
        {"failed": {"visale": "salaire net mensuel", "iae": "salarié : exclu ✗"}},
    ),
    (
        "apprenti de 16 ans tout juste, en première année de CAP, à Quimper",
        {"age": 16, "statuses": ["apprenti"], "where": "Quimper"},
        {
            "contrat_apprentissage": E,  # L6222-1: 16 to 29
            "aide_permis_apprentis": X,  # décret 2019-1: 18 or more
            "mobili_jeune": ask("employeur_prive_non_agricole", "salaire_brut_mensuel"),  # under 30, ≤ SMIC
            "visale": X,  # 18 to 30
            "avance_loca_pass": E,  # F18490: under 30, in an apprenticeship contract
            "cej": X,  # L5131-6: follows a formation
            "iae": X,  # holds a contrat de travail
            "pec": X,
            "epide": X,
            "cpf": E,  # from 16 (15 for an apprentice)
            "cep": E,  # a working person
            "plateforme_mobilite": E,  # L1215-3: every young apprentice
            "bail_mobilite": E,  # art. 25-12: an apprenticeship
            "bretagne_alternance": E,  # Quimper is in Bretagne
            "aide_permis": X,  # a registered job seeker
            "aides_mobilite": X,
            "prepa_apprentissage": X,
        },
        {"failed": {"visale": "16 ans ✗", "aide_permis_apprentis": "16 ans ✗", "cej": "alternant"}},
    ),
    (
        "étudiante boursière de 32 ans en reprise d'études, à Caen",
        {"age": 32, "statuses": ["etudiant"], "where": "Caen", "facts": {"boursier": "oui"}},
        {
            # F18490 (as a commune's site copies it): « Étudiant boursier de l'État français : Vous pouvez
            # obtenir l'avance Loca-Pass », the age limit « moins de 30 ans » is written only for a job seeker
            # and an apprentice. Corrected after the first run (was X, from memory of the under-30 list):
            # qfq and OpenFisca's locapass_eligibilite_etudiant (no age) were right
            "avance_loca_pass": E,
            "visale": ask("promesse_embauche"),  # over 30, not an employee: only when entering a job
            "bail_mobilite": E,  # art. 25-12: higher education
            "cej": X,
            "iae": X,
            "pec": X,
            "cep": X,  # a student who does not work
            "contrat_apprentissage": X,  # 32, no RQTH
            "e2c": X,
            "epide": X,
            "pacea": X,
            "aides_mobilite": X,
            "aide_permis": X,
            "mobili_jeune": X,
            "cpf": E,
            "plateforme_mobilite_logement": X,  # neither an alternant nor a job seeker
        },
        {"failed": {"contrat_apprentissage": "32 ans ✗"}},
    ),
    (
        "mère isolée de 55 ans au RSA, enfants de 8 et 14 ans, en ZRR à Guéret",
        {
            "age": 55,
            "statuses": ["beneficiaire_rsa", "parent_isole", "residant_zrr", "senior"],
            "where": "Guéret",
            "facts": {"enfants": "8,14"},
        },
        {
            "paje": E,  # CMG: an isolated parent with a child under 12 (décret 2025-515)
            "avip": X,  # a child under 3
            "agepi": ask("reprise"),  # instruction FT 2024-16: a child under 12; the return to work decides
            "clauses_sociales": E,  # a beneficiary of the RSA
            "contrat_professionnalisation": E,  # 26 or more with the RSA
            "pec": E,
            "iae": E,
            "cui": E,
            "pmsmp": E,
            "plateforme_mobilite": E,
            "aides_mobilite": ask("are_journaliere"),
            "aide_permis": ask("mois_inscription"),
            "aif": E,  # registered with France Travail (loi plein emploi)
            "poe": E,
            "mrs": E,
            "cpf": E,
            "cej": X,
            "contrat_apprentissage": X,
            "epide": X,
            "e2c": X,
            "visale": ask("promesse_embauche"),
            "avance_loca_pass": X,
        },
        {"failed": {"avip": "enfant de moins de 3 ans"}},
    ),
    (
        "demandeur d'emploi dont l'âge n'est pas dit, à Saint-Denis donné par son code postal 93200",
        {"age": None, "statuses": ["demandeur_emploi"], "where": "93200"},
        {
            "cej": ask("age"),
            "visale": ask("age"),
            "avance_loca_pass": ask("age"),
            "contrat_apprentissage": ask("age"),
            "pacea": ask("age"),
            "aide_permis": ask("age"),
            # corrected in session 13: registration as a job seeker asks 16 years (facts.toml [age]), and
            # the CPF opens at 16 (L6323-2): a registered job seeker has one whatever his age (was ask("age"))
            "cpf": E,
            "aif": E,  # no age condition
            "mrs": E,
            "poe": E,
            "iae": E,
            "pec": E,
            "aides_mobilite": ask("are_journaliere"),
            "emplois_francs": X,  # closed on 2025-01-01
        },
        {"where": ("Saint-Denis", "93066")},
    ),
    (
        "jeune de 19 ans sans emploi ni formation en QPV à Sevran, qui cherche un logement et un emploi",
        {
            "age": 19,
            "statuses": ["sans_emploi_ni_formation", "residant_qpv"],
            "where": "Sevran",
            "needs": ["logement", "emploi"],
        },
        {
            "visale": E,  # 18 to 30
            "mobili_jeune": X,  # an alternant only
            "cej": E,  # 16 to 25, neither a student nor in a formation
            "pacea": E,
            "e2c": ask("sans_qualification"),
            "epide": ask("sans_qualification"),
            "clauses_sociales": E,  # under 26, out of school
            "iae": E,
            "pec": E,
            "contrat_apprentissage": E,
            "contrat_professionnalisation": E,
            "emplois_francs": X,
            "poe": X,  # a job seeker (or an employee on a CUI or in an SIAE)
            # needs: housing and a job; neither training nor mobility nor childcare alone
            "aif": ABSENT,
            "aides_mobilite": ABSENT,
            "paje": ABSENT,
            "france_renov": ABSENT,  # households as owners
            "plateforme_mobilite_logement": ABSENT,  # Normandie
        },
        {"failed": {"mobili_jeune": "alternant"}},
    ),
    (
        "apprentie de 29 ans payée 1 200 € brut dans une entreprise privée, à Reims",
        {
            "age": 29,
            "statuses": ["apprenti"],
            "where": "Reims",
            "facts": {"employeur_prive_non_agricole": "oui", "salaire_brut_mensuel": 1200},
        },
        {
            "mobili_jeune": E,  # under 30, private non-farm employer, ≤ the SMIC
            "aide_permis_apprentis": X,  # abolished on 2026-01-01 (loi de finances pour 2026)
            "contrat_apprentissage": E,  # 29
            "visale": E,
            "avance_loca_pass": E,
            "bail_mobilite": E,
            "plateforme_mobilite": E,
            "cpf": E,
            "cep": E,
            "cej": X,
            "iae": X,
            "pec": X,
            "aif": X,
            "epide": X,
        },
        {},
    ),
    (
        "demandeur d'emploi de longue durée de 45 ans à l'ASS, inscrit depuis 36 mois, promesse d'un CDD de "
        "4 mois, à Limoges",
        {
            "age": 45,
            "statuses": ["demandeur_emploi_longue_duree"],
            "where": "Limoges",
            "facts": {
                "ass": "oui",
                "mois_inscription": 36,
                "promesse_embauche": "oui",
                "reprise": "cdd",
                "contrat_duree_mois": 4,
            },
        },
        {
            "aide_permis": E,  # 6 months registered, the ASS below the minimum ARE
            "aides_mobilite": E,
            "aide_frais_deplacement": E,
            "poei": X,  # décret 2024-561: a CDD of 6 months or more
            "clauses_sociales": E,
            "contrat_professionnalisation": E,
            "visale": E,  # over 30 with a promise of a job
            "agepi": ask("enfants"),
            "iae": E,
            "pec": E,
            "cui": E,
            "pmsmp": E,
            "aif": E,
            "mrs": E,
            "poe": E,
            "cpf": E,
            "cep": E,
            "plateforme_mobilite": E,
            "cej": X,
            "avance_loca_pass": X,
            "contrat_apprentissage": X,
            "epide": X,
            "emplois_francs": X,
        },
        {"failed": {"poei": "durée du contrat repris"}},
    ),
    (
        "étudiant de 22 ans qui travaille à mi-temps en CDD, à Clermont-Ferrand",
        {"age": 22, "statuses": ["etudiant", "salarie"], "where": "Clermont-Ferrand"},
        {
            "cep": E,  # a student who holds a job
            "cpf": E,
            "visale": E,
            "avance_loca_pass": E,  # an employee
            "bail_mobilite": E,  # a student
            "cej": X,  # a student
            "iae": X,
            "pec": X,
            "cui": X,
            "aides_mobilite": X,
            "aif": X,
            "e2c": X,
            "epide": X,
        },
        {"failed": {"cej": "étudiant : exclu ✗"}},
    ),
    (
        "demandeuse d'emploi de 27 ans enceinte, inscrite depuis 7 mois, indemnisée 20 € par jour, à Angers",
        {
            "age": 27,
            "statuses": ["demandeur_emploi"],
            "where": "Angers",
            "facts": {"naissance_attendue": "oui", "mois_inscription": 7, "are_journaliere": 20},
        },
        {
            "paje": E,  # the birth grant from the 7th month of pregnancy
            "avip": ask("enfants"),  # a child under 3
            "agepi": ask("enfants"),
            "aide_permis": E,  # 7 months, 20 € ≤ the minimum ARE
            "aides_mobilite": E,
            "aide_frais_deplacement": E,
            "cej": X,  # 27, no RQTH
            "contrat_apprentissage": E,
            "contrat_professionnalisation": E,
            "avance_loca_pass": E,
            "visale": E,
            "orientibus": E,  # Angers is in the Pays de la Loire
            "macigogne": ABSENT,  # Vendée and Eure
            "iae": E,
            "pec": E,
            "aif": E,
            "poe": E,
        },
        {"failed": {"cej": "27 ans ✗"}},
    ),
    (
        "demandeur d'emploi reconnu travailleur handicapé de 30 ans, à Saint-Brieuc",
        {"age": 30, "statuses": ["demandeur_emploi", "travailleur_handicape"], "where": "Saint-Brieuc"},
        {
            "cej": X,  # 29 at most with an RQTH
            "contrat_apprentissage": E,  # L6222-2: no upper age for a disabled worker
            "contrat_professionnalisation": E,
            "visale": E,  # 30 included
            "avance_loca_pass": X,  # under 30
            "clauses_sociales": E,
            "bretagne_alternance": E,
            "pacea": X,
            "prepa_apprentissage": X,
            "iae": E,
            "pec": E,
        },
        {"failed": {"cej": "30 ans ✗"}},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_a_session_10_persona_gets_the_official_verdicts(built: Service, persona) -> None:
    check_persona_details(built, persona)


def test_a_commune_name_two_places_share_is_asked_not_chosen(built: Service) -> None:
    # Sainte-Marie is a commune of La Réunion (974) and of Martinique (972), both towns people live in
    with pytest.raises(InputError) as err:
        built.match(age=30, statuses=["demandeur_emploi"], where="Sainte-Marie")
    assert "974" in err.value.valid and "972" in err.value.valid
    assert "plusieurs communes" in err.value.message
