"""Thirteen more profiles an adviser brings (session 13), at edges sets 7 to 12b leave: a job seeker of
exactly 50 (the clauses sociales' senior public) in a territory of the regional seniors action, a young
person of 15 out of school (only an apprenticeship may hire before 16: Code du travail L4153-1), an RSA
beneficiary with a child under 3 who wants childcare (the AVIP, the MaCigogne of the Eure), a person with
an RQTH and the AAH over 30 who is not registered and needs to move (the Sarthe's mobility association), an
employee who is also a registered job seeker (category B), a training of exactly 40 hours for the aide à la
garde d'enfants, a temp mission of two weeks (under its 28 days), a professional transfer for the bail
mobilité, an employee of 52 who wants to retrain, a long-term job seeker whose months of registration must
not be asked, a young employee on a CDD, a commune named without its article (« Sables-d'Olonne ») and a
short name one big commune carries (« Montreuil »), and a name two towns carry (« Saint-Louis »). Written
from the official rules (the texts each comment names) and from the corpus plans for the local actions (the
plan and the line each comment names), and committed before qfq was run on them.

A verdict is "eligible",
"excluded", "absent" (not listed: a local scheme of another territory, or a scheme that serves none of the
needs given) or ("undecided", facts): undecided, and the facts it must ask about (at least; a status asked
is ``status:<slug>``). Beside the verdicts, `failed` gives words the failed condition of an excluded
dispositif must show, `where` the place understood, `actions` the local actions that must be kept (words of
their title or quote -> words of whom to call: a pilot or a contact) and `never_asked` the facts no
question may ask; every persona is also checked for slugs in the French texts, for « aucune condition »
where a rule exists and for a question about a fact already given (tests/persona_checks.py). Where the
official verdict is in doubt for a persona the dispositif is left out rather than guessed."""

from __future__ import annotations

from typing import Any

import pytest

from api.service import Service
from ingest.errors import InputError
from tests.persona_checks import ABSENT, E, X, ask, check_persona_details

PERSONAS: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    (
        "demandeur d'emploi de 50 ans tout juste, inscrit depuis 2 mois, non indemnisé, à Lisieux, qui "
        "cherche un emploi",
        {
            "age": 50,
            "statuses": ["demandeur_emploi"],
            "where": "Lisieux",
            "needs": ["emploi"],
            "facts": {"mois_inscription": 2, "are_journaliere": 0},
        },
        {
            "clauses_sociales": E,  # the State's guide: job seekers over 50 (50 included)
            "contrat_professionnalisation": E,  # L6325-1: a job seeker of 26 or more
            "contrat_apprentissage": X,  # L6222-1: 29 at most without an RQTH
            "cej": X,
            "pacea": X,
            "mrs": E,
            "pmsmp": E,
            "poe": E,
            "iae": E,
            "pec": E,
            "cep": E,
            "agepi": ask("enfants"),  # serves the need « emploi » too; his children are not said
            "avip": ask("enfants"),
            "emplois_francs": X,  # closed to contracts signed from 2025-01-01
            "macigogne": ABSENT,  # Eure and Vendée only (Lisieux is in the Calvados)
            "aide_permis": ABSENT,  # serves only the need « mobilité »
            "visale": ABSENT,  # serves only the need « logement »
        },
        {
            "failed": {"contrat_apprentissage": "50 ans"},
            "where": ("Lisieux", "14366"),
            # corpus 000_1ad84331eee1d4b1.txt line 312: Proposition 2-1, piloted by the DIRECCTE and the CFDT,
            # territories Vire, Argentan, Dieppe, Bernay and Lisieux
            "actions": {"maintien dans l'emploi des seniors": "DIRECCTE"},
        },
    ),
    (
        "jeune de 15 ans sorti de troisième sans qualification, sans emploi ni formation, à Saint-Lô",
        {
            "age": 15,
            "statuses": ["sans_emploi_ni_formation"],
            "where": "Saint-Lô",
            "facts": {"sans_qualification": "oui"},
        },
        {
            "contrat_apprentissage": E,  # L6222-1: 15 once the collège is done (to check)
            "cej": X,  # L5131-6: from 16
            "pacea": X,  # from 16
            "e2c": X,  # 16 to 25
            "epide": X,  # 17 to 25
            "contrat_professionnalisation": X,  # L6325-1: from 16
            "cpf": X,  # L6323-2: from 16, 15 only for an apprentice
            "visale": X,  # 18 to 30
            "avance_loca_pass": X,  # neither an employee, nor an alternant, nor a job seeker, nor a student
            "aide_permis": X,
            # L4153-1: « Il est interdit d'employer des travailleurs de moins de seize ans » (apprentices of
            # 15 apart): a parcours in an SIAE, a CUI or the hours of a clause sociale are contrats de travail
            "iae": X,
            "aci": X,
            "ei": X,
            "etti": X,
            "ai": X,
            "pec": X,
            "cui": X,
            "cie": X,
            "clauses_sociales": X,
        },
        {"failed": {"pacea": "15 ans", "cej": "15 ans", "iae": "15 ans"}, "where": ("Saint-Lô", "50502")},
    ),
    (
        "mère de 32 ans au RSA, enfants de 1 et 4 ans, qui veut les faire garder pour chercher un emploi, à "
        "Évreux",
        {
            "age": 32,
            "statuses": ["beneficiaire_rsa"],
            "where": "Évreux",
            "needs": ["garde_enfants"],
            "facts": {"enfants": [1, 4]},
        },
        {
            "avip": E,  # a beneficiary of the RSA with a child under 3
            "paje": E,  # the CMG: a child under 6
            "agepi": ask("reprise"),  # the AGE needs a return to work or a training: not said
            "macigogne": E,  # Eure: job seekers (every RSA beneficiary is registered since 2025)
            "visale": ABSENT,  # housing, not childcare
            "aide_permis": ABSENT,
        },
        {
            "where": ("Évreux", "27229"),
            # corpus 000_1ad84331eee1d4b1.txt line 438: Proposition 3-1 « en quelques clics », piloted by the
            # five CAF of Normandie, over the whole Normandie
            "actions": {"en quelques clics": "CAF"},
        },
    ),
    (
        "personne de 38 ans reconnue travailleur handicapé, à l'AAH, non inscrite, sans permis, qui doit se "
        "déplacer, au Mans",
        {
            "age": 38,
            "statuses": ["travailleur_handicape"],
            "where": "Le Mans",
            "needs": ["mobilite"],
            "facts": {"aah": "oui"},
        },
        {
            "plateforme_mobilite": E,  # L1215-3: a person with a disability
            "aide_permis": X,  # F1719: a registered job seeker
            "aides_mobilite": X,  # délib. 2023-54: a registered job seeker
            "aide_frais_deplacement": X,
            "aide_permis_apprentis": X,
            "bail_mobilite": ask("reprise"),  # art. 25-12: a training or a mission would open it
            "plateforme_mobilite_logement": ABSENT,  # Normandie only
            "contrat_apprentissage": ABSENT,  # serves no mobility need
        },
        {
            "failed": {"aide_permis": "demandeur d'emploi"},
            "where": ("Le Mans", "72181"),
            # corpus 001_7091df44cd1e8194.txt line 66: the association CARBUR'PERA (mobility diagnosis,
            # licence, cheap rental), « étendue à l'ensemble de la Sarthe », pilot and contact itself
            "actions": {"PERA": "PERA"},
        },
    ),
    (
        "salariée à temps partiel de 41 ans, aussi inscrite comme demandeuse d'emploi (catégorie B) depuis "
        "9 mois, indemnisée 15 € par jour, à Tours",
        {
            "age": 41,
            "statuses": ["salarie", "demandeur_emploi"],
            "where": "Tours",
            "facts": {"are_journaliere": 15, "mois_inscription": 9},
        },
        {
            "aif": E,  # a registered job seeker, whatever the category
            "poe": E,
            "mrs": E,
            "aides_mobilite": E,  # 15 € ≤ the minimum ARE
            "aide_permis": E,  # F1719: 9 ≥ 6 months and an allowance ≤ the minimum ARE
            "avance_loca_pass": E,  # an employee
            "visale": ask("prise_de_poste_recente"),  # over 30: a recent job or a wage ≤ 1 500 € net
            "contrat_professionnalisation": E,  # a job seeker of 26 or more
            "cep": E,
            "cpf": E,
            "cej": X,
            "contrat_apprentissage": X,
            "clauses_sociales": ask("aah"),  # 9 < 12 months, under 50, no RSA: the AAH would qualify
        },
        {"never_asked": ["mois_inscription", "are_journaliere"]},
    ),
    (
        "mère demandeuse d'emploi de 30 ans, enfant de 7 ans, qui entre en formation de 40 heures tout "
        "juste, non indemnisée, à Rouen",
        {
            "age": 30,
            "statuses": ["demandeur_emploi"],
            "where": "Rouen",
            "facts": {"enfants": [7], "reprise": "formation", "formation_heures": 40, "are_journaliere": 0},
        },
        {
            "agepi": E,  # instruction 2024-16: a training of 40 hours at least, a child under 12
            "avip": X,  # children under 3
            "paje": ask("naissance_attendue"),  # 7 > 6, not an isolated parent: only a coming birth
            "aides_mobilite": E,
            "aide_frais_deplacement": E,
            "bail_mobilite": E,  # art. 25-12: a professional training
            "avance_loca_pass": X,  # F18490: a job seeker under 30
            "visale": E,  # 30 included
            "plateforme_mobilite_logement": E,  # Normandie, a job seeker entering a training
            "macigogne": ABSENT,  # Seine-Maritime
            "cej": X,
        },
        {"failed": {"avance_loca_pass": "30 ans", "avip": "enfant"}, "where": ("Rouen", "76540")},
    ),
    (
        "père demandeur d'emploi de 37 ans, enfant de 2 ans, qui reprend une mission d'intérim de deux "
        "semaines, indemnisé 20 € par jour, à Nantes",
        {
            "age": 37,
            "statuses": ["demandeur_emploi"],
            "where": "Nantes",
            "facts": {"enfants": [2], "reprise": "ctt", "contrat_duree_mois": 0, "are_journaliere": 20},
        },
        {
            "agepi": X,  # instruction 2024-16: a contract of 28 consecutive days at least
            "avip": E,  # a job seeker with a child under 3
            "paje": E,
            "aides_mobilite": E,
            "bail_mobilite": E,  # a temp mission
            "poei": X,  # L6326-1: a temp mission of 6 months at least
            "orientibus": E,
            "macigogne": ABSENT,  # Loire-Atlantique
        },
        {"failed": {"agepi": "durée du contrat"}, "where": ("Nantes", "44109")},
    ),
    (
        "salarié de 35 ans muté pour six mois à Lyon, qui cherche un logement",
        {
            "age": 35,
            "statuses": ["salarie"],
            "where": "Lyon",
            "needs": ["logement"],
            "facts": {"mutation_mission": "oui"},
        },
        {
            "bail_mobilite": E,  # art. 25-12: a professional transfer
            "avance_loca_pass": E,  # an employee
            # visale.fr: over 30, an employee « en mutation professionnelle » or hired < 6 months ago: the
            # fact that says it is asked (a temporary mission would not do)
            "visale": ask("prise_de_poste_recente"),
            "mobili_jeune": X,  # under 30, in alternance
            "cej": ABSENT,  # serves no housing need
        },
        {"failed": {"mobili_jeune": "35 ans"}, "where": ("Lyon", "69123")},
    ),
    (
        "salarié de 52 ans en CDI qui veut se reconvertir, à Metz",
        {"age": 52, "statuses": ["salarie"], "where": "Metz", "needs": ["formation"]},
        {
            "cep": E,  # L6111-6: every working person
            "cpf": E,
            "clea": E,
            "aif": X,  # a registered job seeker's
            "poei": X,
            "poe": ask("salarie_insertion"),  # open to an employee only on a CUI or in an SIAE
            "contrat_professionnalisation": ask("aah"),  # 26 or more, not registered: the AAH would open it
            "contrat_apprentissage": X,  # 52 without an RQTH
            "cej": X,
            "orientibus": ABSENT,  # Pays de la Loire
        },
        {
            "failed": {"aif": "demandeur d'emploi", "contrat_apprentissage": "52 ans"},
            "where": ("Metz", "57463"),
        },
    ),
    (
        "demandeur d'emploi de longue durée de 44 ans dont on ne sait rien d'autre, au Havre",
        {"age": 44, "statuses": ["demandeur_emploi_longue_duree"], "where": "Le Havre"},
        {
            "clauses_sociales": E,  # a long-term job seeker
            "aide_permis": ask("are_journaliere"),  # 12 months at least (the DELD): only the allowance
            "aides_mobilite": ask("are_journaliere"),
            "avance_loca_pass": X,
            "aif": E,
            "mrs": E,
            "poe": E,
            "contrat_professionnalisation": E,
            "cej": X,
        },
        {"never_asked": ["mois_inscription"], "where": ("Le Havre", "76351")},
    ),
    (
        "demandeuse d'emploi de 26 ans qui dit habiter « Sables-d'Olonne », enfant de 1 an, un entretien "
        "d'embauche en vue, qui cherche une crèche",
        {
            "age": 26,
            "statuses": ["demandeur_emploi"],
            "where": "Sables-d'Olonne",
            "needs": ["garde_enfants"],
            "facts": {"enfants": [1]},
        },
        {
            "macigogne": E,  # Vendée: a job seeker (an interview, to check)
            "avip": E,
            "paje": E,
            "agepi": ask("reprise"),  # an interview is not yet a return to work
        },
        {
            "where": ("Les Sables-d'Olonne", "85194"),
            # corpus 001_7091df44cd1e8194.txt line 82: Macigogne.fr, to be extended to the whole Vendée,
            # piloted by Pôle emploi
            "actions": {"cigogne": "emploi"},
        },
    ),
    (
        "demandeur d'emploi de 27 ans qui dit habiter « Montreuil »",
        {"age": 27, "statuses": ["demandeur_emploi"], "where": "Montreuil"},
        {
            "avance_loca_pass": E,  # a job seeker under 30
            "visale": E,
            "contrat_apprentissage": E,
            "cej": X,
            "aif": E,
        },
        # Montreuil (Seine-Saint-Denis, over 100 000 people): the other communes of the name are villages
        {"where": ("Montreuil", "93048")},
    ),
    (
        "salarié de 24 ans en CDD de 4 mois, payé 1 450 € net, à Grenoble",
        {
            "age": 24,
            "statuses": ["salarie"],
            "where": "Grenoble",
            "facts": {"salaire_net_mensuel": 1450},
        },
        {
            "visale": E,  # 18 to 30
            "avance_loca_pass": E,  # an employee
            "aif": X,
            "aide_permis": X,
            "iae": X,  # holds a job
            "pec": X,
            "contrat_apprentissage": E,
            "contrat_professionnalisation": E,  # 16 to 25 whatever the status
            "cep": E,
            "cpf": E,
            "mobili_jeune": X,  # not in alternance
        },
        {"failed": {"aif": "demandeur d'emploi"}, "where": ("Grenoble", "38185")},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_a_session_13_persona_gets_the_official_verdicts(built: Service, persona) -> None:
    check_persona_details(built, persona)


def test_a_name_two_towns_carry_is_asked(built: Service) -> None:
    # Saint-Louis (Haut-Rhin, about 22 000 people) and Saint-Louis (La Réunion, over 50 000)
    with pytest.raises(InputError) as err:
        built.match(age=35, statuses=["demandeur_emploi"], where="Saint-Louis")
    assert "plusieurs communes" in err.value.message
    for dep in ("(68)", "(974)"):
        assert dep in err.value.valid
