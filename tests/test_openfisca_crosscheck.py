"""qfq's eligibility against OpenFisca-France's on generated profiles, for each dispositif both model.

OpenFisca-France (AGPL) is used here and in bench/eligibility.py only; qfq's own modules never import it.

Mapping (qfq profile -> OpenFisca situation, one person per famille / foyer fiscal / ménage, month 2026-11):
- age -> ``age``; the main status -> ``activite`` (one value in OpenFisca), in this order: salarie or apprenti
  -> actif, etudiant -> etudiant, demandeur_emploi(_longue_duree) or beneficiaire_rsa (registered since 2025)
  -> chomeur, sans_emploi_ni_formation -> inactif (a student who is also registered — an isolated parent at
  the RSA — is chomeur with ``etudiant`` true, both states the Loca-Pass tests, and etudiant for the CEJ);
  apprenti -> ``alternant``. An apprentice is both an employee (a contrat de travail, Code du travail L6221-1)
  and in training, and ``activite`` holds one value: OpenFisca's formulas encode « en formation
  professionnelle (contrat d'apprentissage ou de professionnalisation) » as ``alternant`` with ``activite``
  etudiant (``locapass_eligibilite_jeunes``: ``alternant * (activite == TypesActivite.etudiant)``) and an
  employee as ``activite`` actif (``locapass_eligibilite_salarie``). So each variable gets the state its
  formula tests (``TRAINING_PAIRS``): the CEJ, whose status test ``activite != TypesActivite.etudiant`` is its
  encoding of L5131-6's « ne sont pas étudiants et ne suivent pas une formation », sees an apprentice as
  etudiant (in training); the other pairs see him actif (an employee). With actif everywhere (sessions 7-9)
  every apprentice was a CEJ divergence (25 of 500 profiles); with etudiant everywhere, the Loca-Pass of the
  16 apprentices over 30 (a private-sector employee at any age, F18490) becomes a disagreement;
  etudiant -> ``etudiant``; demandeur_emploi -> ``pole_emploi_categorie_demandeur_emploi`` catégorie 1;
  travailleur_handicape -> ``handicap``; beneficiaire_rsa -> ``rsa`` 500 €/month over the 3 previous months
  and the month compared (0 otherwise, and ``ppa`` 0, ``aah`` 0: the test does not let OpenFisca compute
  minima sociaux from income; 0 for every profile in the CEJ's contract comparison, see below);
  parent_isole not held (statuses known) -> a spouse in the famille.
- facts: boursier -> ``boursier``; contrat_3_mois -> ``salaire_net`` 100 € over the 6 previous months;
  salaire_brut_mensuel -> ``salaire_de_base``; employeur_prive_non_agricole -> ``peec_employeur``;
  are_journaliere -> ``allocation_retour_emploi_journaliere`` and ``chomage_net`` 31 × it for the month (the
  aide au permis compares the month's net allowance with 31 × the minimum daily ARE: the same bound);
  reprise -> ``contrat_de_travail_type``; contrat_duree_mois -> ``contrat_de_travail_duree``;
  formation_heures -> ``duree_formation``; enfants -> children of those ages in the famille;
  mois_inscription -> nothing (OpenFisca has no such variable) but in the official run (below).
- fixed, because qfq does not decide them (they are "à vérifier" items): a rented flat (locataire vide,
  rent 0) entered on 2026-11-15, French nationality, the job or training in metropolitan France, the request
  made in time, no AGEPI in the last 12 months, income-tax bracket 0.
- A fact the profile lacks is not given to OpenFisca, which takes its default.

The CEJ is compared on its entry conditions. Code du travail L5131-6 (as published in translation,
https://french-business-law.com/french-legislation-art/article-l5131-6-of-the-french-labour-code/): « The
youth commitment contract is a right open to young people between the ages of sixteen and twenty-five, or […]
twenty-nine if they are recognised as a disabled worker, who are experiencing difficulties in accessing
long-term employment, who are not students and who are not in training » (2nd paragraph); « A monthly
degressive means-tested allowance is granted, from the date of signature of the contract, to young people […]
» (4th paragraph); R5131-16 3° writes the allowance into the contract only « if the conditions set out in the
fourth paragraph of article L. 5131-6 are met »; the Unafo guide: « L'allocation n'est pas cumulable avec le
RSA et la prime d'activité, sauf exception »
(https://www.unafo.org/centre-de-ressources/guide-pauvrete-engagement-jeunes). OpenFisca's
``contrat_engagement_jeune_eligibilite`` is the product of both: ``eligibilite_age * eligibilite_statut`` (the
contract) times ``eligibilite_ir * eligibilite_autres_dispositifs`` (the allowance: foyer's tax bracket ≤ 1,
no RSA, no prime d'activité, no volunteering allowance over the 3 previous months). qfq's ``cej`` is the
contract (the allowance is an « à vérifier » line), so it is compared with OpenFisca's variable computed with
the allowance's inputs neutral (famille ``rsa`` and ``ppa`` 0 over the 3 previous months,
``indemnites_volontariat`` 0, ``ir_tranche`` 0): OpenFisca's own contract part. The full variable is computed
as well, and the test checks that it differs from the contract part only for beneficiaries of the RSA
(contract yes, allowance no).

The aide au permis de conduire (qfq ``aide_permis``) is compared with OpenFisca's amount
``aide_permis_demandeur_emploi`` (above 0: eligible), the product of its ``_eligibilite_individu`` (activite
chomeur) and ``_eligibilite_financiere`` (no RSA, no AAH, no pension, ``chomage_net`` ≤ 31 × the minimum ARE).
OpenFisca models neither the 6 months of registration nor the job-promise derogation of F1719: the generator
gives ``mois_inscription`` (12 at least for a long-term job seeker) but no ``promesse_embauche`` (Visale's
branches over 30 read it, see below), so before 6 months qfq asks for the promise unless the contract rules
the derogation out; the age of 18, the RSA and the registration under 6 months are documented divergences
whose official reading is a formula (``DIVERGENCES``; the official run adds OpenFisca an input for the months
of registration).

The aide au permis des apprentis (qfq ``aide_permis_apprentis``, décret n° 2019-1: 18 years at least and an
apprentice) ended on 2025-12-31 for both: it is compared with ``aide_financement_permis_apprenti_eligibilite``
on 2025-11 (``PAIR_PERIODS``; OpenFisca's ``apprenti`` is given, qfq decides on 2025-11-15), and both refuse
everyone on PERIOD.

Verdicts: qfq eligible = OpenFisca true, qfq excluded = OpenFisca false. qfq undecided agrees only when the
profile lacks a fact (or the statuses) that the rule tests and OpenFisca defaulted. Anything else is a
disagreement, reported with its profile — except the documented divergences below, where the official page
and OpenFisca's formula differ and qfq follows the official page; they are listed apart, with their source,
and they count against the agreement (``Report.agreement``): a divergence is a miss of the 100 % target.

Not compared (OpenFisca does not model the rule in force on the period):
- the aide à la garde d'enfants (qfq ``agepi``): OpenFisca-France 176.1.8's ``agepi_eligible`` is the AGEPI of
  Pôle emploi's délibération 2013-46 (isolated parent, children under 10, ARE at most the minimum, a contract
  of 3 months), which France Travail replaced on 2024-05-01 by the AGE (instruction DG n° 2024-16 of
  2024-05-30, bo.francetravail.org; service-public.fr F1814: every parent, children under 12, an allowance up
  to 1,3 × the minimum ARE, a contract of 28 days). qfq follows the AGE; OpenFisca has no formula for it.
- the aide à la mobilité: its formula needs distance, travel time, dates and the kind of training.
- Visale's branches over 30 (visale.fr: an employee of the private sector within 6 months of his job or of a
  transfer, or earning at most 1 500 € net, or a person with a promise of a job): OpenFisca's
  ``visale_eligibilite`` models the public of 18 to 30 only (``age <= eligibilite.age_max``, 30), so the
  generator gives none of the facts these branches read (``promesse_embauche``, ``prise_de_poste_recente``,
  ``salaire_net_mensuel``): over 30, qfq is excluded or asks them (undecided, the fact missing).
"""

from __future__ import annotations

import datetime as dt
import inspect
import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

PERIOD = "2026-11"
ACTIVITIES = [
    "salarie",
    "apprenti",
    "demandeur_emploi",
    "demandeur_emploi",
    "demandeur_emploi_longue_duree",
    "etudiant",
    "sans_emploi_ni_formation",
]
# qfq dispositif -> OpenFisca variable (entity Individu unless the variable is on the ménage)
PAIRS = {
    "visale": "visale_eligibilite",
    "avance_loca_pass": "locapass_eligibilite",
    "mobili_jeune": "mobili_jeune_eligibilite",
    "cej": "contrat_engagement_jeune_eligibilite",
    # the amount (montant_maximum × eligibilite_financiere × eligibilite_individu): eligible when above 0
    "aide_permis": "aide_permis_demandeur_emploi",
    "aide_permis_apprentis": "aide_financement_permis_apprenti_eligibilite",
}
# Pairs compared on another month than PERIOD: the aide au permis des apprentis ended on 2025-12-31 for both
# (qfq dispositifs.ttl qfq:endedOn 2026-01-01; OpenFisca's variable ``end = '2025-12-31'``), so its rule is
# compared on the last month it was in force, qfq deciding on that month's 15th; on PERIOD both refuse
# everyone (test_an_ended_pair_is_closed_for_both)
PAIR_PERIODS = {"aide_permis_apprentis": ("2025-11", dt.date(2025, 11, 15))}
MENAGE_VARIABLES = {"visale_eligibilite"}
FACT_VALUES: dict[str, list[Any]] = {
    "boursier": [True, False],
    "contrat_3_mois": [True, False],
    "salaire_brut_mensuel": [0, 900, 1500, 1867, 1868, 2600],
    "employeur_prive_non_agricole": [True, False],
    "are_journaliere": [0, 20, 32.13, 32.2, 55],
    "reprise": ["cdi", "cdd", "ctt", "formation", "aucune"],
    "contrat_duree_mois": [1, 2, 3, 6, 12],
    "formation_heures": [20, 39, 40, 120],
    "mois_inscription": [0, 3, 5, 6, 12, 30],  # a long-term job seeker's is 12 at least (generate)
}
AGES = [15, 16, 17, 18, 19, 22, 25, 26, 27, 29, 30, 31, 35, 45, 60]


@dataclass
class Profile:
    age: int | None
    statuses: set[str]
    facts: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"âge {self.age}, statuts {sorted(self.statuses) or '(inconnus)'}, faits {self.facts}"


# registered with France Travail: a beneficiary of the RSA too, since 2025-01-01 (loi n° 2023-1196 pour le
# plein emploi; graph/data/profile.toml implied_statuses)
REGISTERED = {"demandeur_emploi", "demandeur_emploi_longue_duree", "beneficiaire_rsa"}


# Where the official rule (followed by qfq) and OpenFisca's formula differ: (dispositif, why, predicate, the
# OpenFisca parameters that, set to the official rule, remove it). Each names the OpenFisca variable or
# parameter that differs (openfisca-france 176.1.8); test_each_divergence_is_its_openfisca_parameter runs
# OpenFisca with those parameters and requires no divergence and no disagreement left, and reads the installed
# package's parameter and formula, so an OpenFisca release that fixes it fails the test (drop the entry then).
LOCAPASS_AGE_MAX = "prestations_sociales.aides_logement.action_logement.locapass.age_max"
# OpenFisca variables whose formula, not a parameter, differs from the official rule: the official reading is
# a formula (a key without a dot in a divergence's readings), put in place by a reform
PERMIS_INDIVIDU = "aide_permis_demandeur_emploi_eligibilite_individu"
# OpenFisca has no months of registration: the official run adds this input (a reform), which the mapping then
# gives (qfq's mois_inscription, 12 for a long-term job seeker without it: facts.toml at_least_if)
REGISTRATION_MONTHS = "mois_inscription_demandeur_emploi"
PERMIS_FINANCIERE = "aide_permis_demandeur_emploi_eligibilite_financiere"


def _permis_individu_official(individu, period):
    """F1719: registered as a job seeker (categories A, B, D), 18 years at least, and 6 months of registration
    or (the derogation) a CDI, or a CDD or temp contract of 3 months at least."""
    from openfisca_france.model.revenus.activite.salarie import TypesCategoriesDemandeurEmploi, TypesContrat

    categorie = individu("pole_emploi_categorie_demandeur_emploi", period)
    contrat = individu("contrat_de_travail_type", period)
    duree = individu("contrat_de_travail_duree", period)
    derogation = (contrat == TypesContrat.cdi) + (
        ((contrat == TypesContrat.cdd) + (contrat == TypesContrat.ctt)) * (duree >= 3)
    )
    registered = categorie != TypesCategoriesDemandeurEmploi.pas_de_categorie
    months = individu(REGISTRATION_MONTHS, period)
    return registered * (individu("age", period) >= 18) * ((months >= 6) + derogation)


def _permis_financiere_official(individu, period, parameters):
    """F1719: no unemployment allowance above the minimum ARE; a minimum social is not one (OpenFisca's
    formula without its ``sans_rsa`` and ``sans_aah``)."""
    minimum = parameters(
        period
    ).chomage.allocations_assurance_chomage.alloc_base.montant_minimum.apres_1979.montant_minimum_hors_mayotte
    return (individu("retraite_brute", period) <= 0) * (individu("chomage_net", period) <= minimum * 31)


DIVERGENCES: list[tuple[str, str, Callable[[Profile], bool], dict[str, float]]] = [
    (
        "avance_loca_pass",
        "a job seeker aged 30: service-public.fr F18490 and Action Logement say « moins de 30 ans »; "
        "OpenFisca's variable locapass_eligibilite_jeunes tests age <= the parameter "
        "prestations_sociales.aides_logement.action_logement.locapass.age_max (30), i.e. up to 30 included "
        "(openfisca_france/model/prestations/locapass.py: « eligibilite_age = age <= age_max »; "
        "age_max.yaml: "
        "« Âge maximum (sauf salariés du secteur privé non agricole) », value 30; its Mobili-Jeune, « moins "
        "de 30 ans » too, tests age < 30); the mapping gives OpenFisca the age of the month compared, so the "
        "age is not the cause",
        lambda p: p.age == 30 and bool(p.statuses & REGISTERED),
        # « moins de 30 ans » in OpenFisca's own ``age <= age_max``: 29
        {LOCAPASS_AGE_MAX: 29},
    ),
    (
        "aide_permis",
        "a job seeker under 18: service-public.fr F1719 (« Vous devez avoir au moins 18 ans », as the "
        "communes copy it: https://lesneven.bzh/mon-quotidien/citoyennete/?xml=F1719); OpenFisca's "
        "aide_permis_demandeur_emploi_eligibilite_individu tests only « activite == TypesActivite.chomeur » "
        "(openfisca_france/model/prestations/aide_permis_demandeur_emploi.py, after the délibération "
        "2011/13)",
        lambda p: p.age is not None and p.age < 18 and bool(p.statuses & REGISTERED),
        {PERMIS_INDIVIDU: _permis_individu_official},
    ),
    (
        "aide_permis",
        "a beneficiary of the RSA: F1719 counts a minimum social as no allowance (« Toucher un minimum "
        "social (RSA, allocation de solidarité spécifique, allocation aux adultes handicapés…) » is one of "
        "the resource conditions met); OpenFisca's aide_permis_demandeur_emploi_eligibilite_financiere "
        "multiplies by « sans_rsa = individu.famille('rsa', period) <= 0 » and « sans_aah » (and, the RSA "
        "beneficiary who works being actif there, its eligibilite_individu refuses him too, where F1719 "
        "takes categories A, B and D)",
        lambda p: "beneficiaire_rsa" in p.statuses,
        {PERMIS_FINANCIERE: _permis_financiere_official, PERMIS_INDIVIDU: _permis_individu_official},
    ),
    (
        "aide_permis",
        "a job seeker registered for less than 6 months without the derogation's contract: F1719 (« inscrit "
        "sur la liste des demandeurs d'emploi depuis au moins 6 mois de manière continue », save « en cas de "
        "promesse d'embauche en CDI, CDD ou contrat d'intérim d'au moins 3 mois »); OpenFisca-France has no "
        "months of registration",
        lambda p: p.facts.get("mois_inscription", 6) < 6 and bool(p.statuses & REGISTERED),
        {PERMIS_INDIVIDU: _permis_individu_official},
    ),
]
# The CEJ's allowance (not its contract) is what OpenFisca's full variable models: the variable paired with
# qfq's cej is computed with the allowance's inputs neutral (see the module's docstring).
CONTRACT_ONLY = {"cej"}
# The pairs whose formula tests being in training through ``activite`` (an apprentice is etudiant there).
TRAINING_PAIRS = {"cej"}


def generate(n: int, seed: int = 12) -> list[Profile]:
    """``n`` profiles: one main activity (or unknown statuses), extra statuses, each fact present or not. No
    student is drawn with the RSA unless an isolated parent (the law's only case, CASF L262-4)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        age = rng.choice(AGES) if rng.random() > 0.05 else None
        statuses: set[str] = set()
        if rng.random() > 0.1:
            statuses.add(rng.choice(ACTIVITIES))
            for extra, p in (
                ("travailleur_handicape", 0.2),
                ("beneficiaire_rsa", 0.15),
                ("parent_isole", 0.5),
            ):
                if rng.random() < p:
                    statuses.add(extra)
            if {"etudiant", "beneficiaire_rsa"} <= statuses and "parent_isole" not in statuses:
                # CASF L262-4: no RSA for an « élève, étudiant ou stagiaire […] Cette condition n'est pas
                # applicable aux personnes ayant droit à la majoration » (the isolated parent), as quoted in
                # https://blog.landot-avocats.net/2024/02/28/un-eleve-avocat-naura-que-rarement-droit-a-la-prime-dactivite-ou-au-rsa/
                statuses.discard("beneficiaire_rsa")
        facts = {name: rng.choice(values) for name, values in FACT_VALUES.items() if rng.random() < 0.8}
        if "demandeur_emploi_longue_duree" in statuses and "mois_inscription" in facts:
            facts["mois_inscription"] = max(facts["mois_inscription"], 12)  # France Travail's DELD
        if rng.random() < 0.8:
            facts["enfants"] = sorted(
                rng.choice([0, 1, 2, 4, 9, 10, 12]) for _ in range(rng.choice([0, 1, 1, 2]))
            )
        out.append(Profile(age, statuses, facts))
    return out


def situation(
    profiles: list[Profile], allowance: bool = True, training: bool = False, registration: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """One OpenFisca situation holding every profile (vectorised), and the id of each profile's person.
    ``allowance`` False: the inputs only the CEJ's allowance reads are neutral (no RSA, PPA, volunteering).
    ``training``: an apprentice's ``activite`` is etudiant (in training), else actif (see the mapping)."""
    months3 = ["2026-08", "2026-09", "2026-10"]
    individus, familles, foyers, menages, ids = {}, {}, {}, {}, []
    for i, p in enumerate(profiles):
        me, s, f = f"p{i}", p.statuses, p.facts
        individus[me] = _person(p, training)
        if registration:  # the input the official run adds (REGISTRATION_MONTHS)
            months = f.get("mois_inscription", 12 if "demandeur_emploi_longue_duree" in s else None)
            if months is not None:
                individus[me][REGISTRATION_MONTHS] = {PERIOD: months}
        if not allowance:
            individus[me]["indemnites_volontariat"] = {m: 0 for m in months3 + [PERIOD]}
        parents, children = [me], []
        if s and "parent_isole" not in s:
            individus[f"c{i}"] = {"age": {PERIOD: 40}}
            parents.append(f"c{i}")
        for k, age in enumerate(f.get("enfants", [])):
            individus[f"e{i}_{k}"] = {"age": {PERIOD: age}}
            children.append(f"e{i}_{k}")
        rsa = 500 if allowance and "beneficiaire_rsa" in s else 0
        familles[f"f{i}"] = {
            "parents": parents,
            "enfants": children,
            # the month compared too (the aide au permis reads it): else OpenFisca computes one from no income
            "rsa": {m: rsa for m in months3 + [PERIOD]},
            "ppa": {m: 0 for m in months3},
        }
        foyers[f"ff{i}"] = {"declarants": parents, "personnes_a_charge": children, "ir_tranche": {"2024": 0}}
        menages[f"m{i}"] = {
            "personne_de_reference": [me],
            **({"conjoint": parents[1:]} if len(parents) > 1 else {}),
            "enfants": children,
            "loyer": {PERIOD: 0},
            "charges_locatives": {PERIOD: 0},
            "statut_occupation_logement": {PERIOD: "locataire_vide"},
            "date_entree_logement": {PERIOD: "2026-11-15"},
        }
        ids.append(me)
    return {"individus": individus, "familles": familles, "foyers_fiscaux": foyers, "menages": menages}, ids


def _person(p: Profile, training: bool = False) -> dict[str, Any]:
    """The OpenFisca inputs of a profile's person (see the mapping above); ``training``: an apprentice's
    ``activite`` is etudiant, the state a formula that tests training through it reads."""
    s, f = p.statuses, p.facts
    months6 = [f"2026-{m:02d}" for m in range(5, 11)]
    person: dict[str, Any] = {"age": {PERIOD: p.age if p.age is not None else 40}}
    # a registered student (an isolated parent at the RSA, CASF L262-4, registered since 2025) is both: the
    # Loca-Pass tests a job seeker through ``activite`` chomeur and a student through ``etudiant`` (kept
    # true), so outside the training run he is chomeur; the CEJ's run sees him etudiant (a student)
    registered_first = not training and bool(s & REGISTERED)
    activity = (
        "etudiant"
        if training and "apprenti" in s
        else "actif"
        if s & {"salarie", "apprenti"}
        else "chomeur"
        if registered_first
        else "etudiant"
        if "etudiant" in s
        else "chomeur"
        if s & REGISTERED
        else "inactif"
    )
    person["activite"] = {PERIOD: activity}
    person["alternant"] = {PERIOD: "apprenti" in s}
    person["etudiant"] = {PERIOD: "etudiant" in s}
    person["handicap"] = {PERIOD: "travailleur_handicape" in s}
    if s & REGISTERED:
        person["pole_emploi_categorie_demandeur_emploi"] = {PERIOD: "categorie_1"}
    person["lieu_emploi_ou_formation"] = {PERIOD: "metropole_hors_corse"}
    person["aah"] = {PERIOD: 0}  # no minimum social computed from income (see the mapping)
    if "boursier" in f:
        person["boursier"] = {PERIOD: f["boursier"]}
    if f.get("contrat_3_mois"):
        person["salaire_net"] = {m: 100 for m in months6}
    if "salaire_brut_mensuel" in f:
        person["salaire_de_base"] = {PERIOD: f["salaire_brut_mensuel"]}
    if "employeur_prive_non_agricole" in f:
        person["peec_employeur"] = {PERIOD: f["employeur_prive_non_agricole"]}
    if "are_journaliere" in f:
        person["allocation_retour_emploi_journaliere"] = {PERIOD: f["are_journaliere"]}
        # the month's allowance over 31 days: the aide au permis compares chomage_net with 31 × the minimum
        person["chomage_net"] = {PERIOD: 31 * f["are_journaliere"]}
    if "reprise" in f:
        person["contrat_de_travail_type"] = {PERIOD: {"aucune": "aucun"}.get(f["reprise"], f["reprise"])}
    if "contrat_duree_mois" in f:
        person["contrat_de_travail_duree"] = {PERIOD: f["contrat_duree_mois"]}
    if "formation_heures" in f:
        person["duree_formation"] = {PERIOD: f["formation_heures"]}
    return person


def tax_benefit_system(official: dict[str, Any] | None = None):
    """OpenFisca-France, with ``official`` parameters (dotted path -> value from 2021 on) replaced, and the
    formulas of ``official`` variables (a name without a dot -> the official formula) too."""
    from openfisca_core.reforms import Reform
    from openfisca_core.variables import Variable
    from openfisca_france import FranceTaxBenefitSystem

    tbs = FranceTaxBenefitSystem()
    if not official:
        return tbs
    parameters_read = {k: v for k, v in official.items() if "." in k}
    formulas = {k: v for k, v in official.items() if "." not in k}

    class OfficialRule(Reform):
        def apply(self):
            def modify(parameters):
                for path, value in parameters_read.items():
                    node = parameters
                    for part in path.split("."):
                        node = getattr(node, part)
                    node.update(start="2021-01-01", value=value)
                return parameters

            if parameters_read:
                self.modify_parameters(modifier_function=modify)
            for name, formula in formulas.items():
                self.update_variable(type(name, (Variable,), {"formula": formula}))
            if PERMIS_INDIVIDU in formulas:
                from openfisca_france.model.base import MONTH, Individu

                months = {"value_type": int, "entity": Individu, "definition_period": MONTH, "label": "mois"}
                self.add_variable(type(REGISTRATION_MONTHS, (Variable,), months))

    return OfficialRule(tbs)


def openfisca_verdicts(
    profiles: list[Profile], official: dict[str, float] | None = None
) -> dict[str, list[bool]]:
    """OpenFisca's value of each paired variable for each profile's person; a CONTRACT_ONLY pair is computed
    with the allowance's inputs neutral, and ``<slug>:allowance`` holds its full variable; a TRAINING_PAIRS
    pair sees an apprentice in training (``activite`` etudiant); a PAIR_PERIODS pair is computed on its month.
    ``official``: parameters and formulas set to the official rule (see DIVERGENCES)."""
    from openfisca_core.simulation_builder import SimulationBuilder

    tbs = tax_benefit_system(official)
    out = {}
    runs = [
        (True, False, [s for s in PAIRS if s not in TRAINING_PAIRS]),
        (True, True, sorted(TRAINING_PAIRS)),
        (False, True, sorted(CONTRACT_ONLY & TRAINING_PAIRS)),
        (False, False, sorted(CONTRACT_ONLY - TRAINING_PAIRS)),
    ]
    for slug, (period, _day) in PAIR_PERIODS.items():
        out[slug] = _verdicts_on(tbs, profiles, PAIRS[slug], period)
    runs = [(a, t, [s for s in slugs if s not in PAIR_PERIODS]) for a, t, slugs in runs]
    for allowance, training, slugs in runs:
        if not slugs:
            continue
        registration = bool(official) and PERMIS_INDIVIDU in official
        data, ids = situation(profiles, allowance=allowance, training=training, registration=registration)
        sim = SimulationBuilder().build_from_entities(tbs, data)
        row = {pid: k for k, pid in enumerate(sim.persons.ids)}
        menage = {mid: k for k, mid in enumerate(sim.populations["menage"].ids)}
        for slug in slugs:
            variable = PAIRS[slug]
            values = sim.calculate(variable, PERIOD)
            if variable in MENAGE_VARIABLES:
                got = [bool(values[menage[f"m{i}"]]) for i in range(len(profiles))]
            else:
                got = [bool(values[row[pid]]) for pid in ids]
            out[f"{slug}:allowance" if allowance and slug in CONTRACT_ONLY else slug] = got
    return out


def _verdicts_on(tbs, profiles: list[Profile], variable: str, period: str) -> list[bool]:
    """A variable that reads only the age and being an apprentice, for each profile's person on ``period``
    (one person per household; an unknown age is 40, as in the main situation)."""
    from openfisca_core.simulation_builder import SimulationBuilder

    individus, familles, foyers, menages = {}, {}, {}, {}
    for i, p in enumerate(profiles):
        me = f"p{i}"
        individus[me] = {
            "age": {period: p.age if p.age is not None else 40},
            "apprenti": {period: "apprenti" in p.statuses},
        }
        familles[f"f{i}"] = {"parents": [me]}
        foyers[f"ff{i}"] = {"declarants": [me]}
        menages[f"m{i}"] = {"personne_de_reference": [me]}
    data = {"individus": individus, "familles": familles, "foyers_fiscaux": foyers, "menages": menages}
    sim = SimulationBuilder().build_from_entities(tbs, data)
    values = sim.calculate(variable, period)
    row = {pid: k for k, pid in enumerate(sim.persons.ids)}
    return [bool(values[row[f"p{i}"]]) for i in range(len(profiles))]


@dataclass
class Report:
    compared: int = 0
    decided_agree: int = 0
    undecided_agree: int = 0
    divergences: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    decisions: dict[str, dict[str, int]] = field(default_factory=dict)  # dispositif -> decision -> count
    # a CONTRACT_ONLY pair: profiles whose contract OpenFisca accepts but whose allowance it refuses
    allowance_refused: dict[str, list[Profile]] = field(default_factory=dict)
    # dispositif -> {"agree", "divergence", "disagreement"} -> count
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def agreement(self) -> float:
        """Share of comparisons where qfq and OpenFisca agree; a documented divergence is not an agreement."""
        return (self.decided_agree + self.undecided_agree) / self.compared if self.compared else 1.0

    @property
    def agreement_besides_divergences(self) -> float:
        counted = self.compared - len(self.divergences)
        return (self.decided_agree + self.undecided_agree) / counted if counted else 1.0


def crosscheck(profiles: list[Profile], official: bool = False) -> Report:
    """Compare qfq's decision with OpenFisca's for every profile and paired dispositif. ``official``:
    OpenFisca runs with the parameters of DIVERGENCES set to the official rule, and no difference is a
    divergence."""
    from graph.conditions_eval import eligibility
    from graph.dispositifs import Thesaurus
    from graph.profile import ProfileTerms

    thesaurus, terms = Thesaurus.load(), ProfileTerms.load()
    readings = {path: v for *_, params in DIVERGENCES for path, v in params.items()} if official else None
    divergences = [] if official else DIVERGENCES
    verdicts = openfisca_verdicts(profiles, readings)
    report = Report()
    for slug in CONTRACT_ONLY:
        full = verdicts[f"{slug}:allowance"]
        report.allowance_refused[slug] = [
            p for p, c, a in zip(profiles, verdicts[slug], full, strict=True) if c and not a
        ]
    for slug in PAIRS:
        d = thesaurus.get(f"dispositif:{slug}")
        for p, of in zip(profiles, verdicts[slug], strict=True):
            report.compared += 1
            on = PAIR_PERIODS[slug][1] if slug in PAIR_PERIODS else None
            q = eligibility(d, p.age, p.statuses, terms=terms, thesaurus=thesaurus, facts=p.facts, on=on)
            counts = report.decisions.setdefault(slug, {})
            counts[q.decision] = counts.get(q.decision, 0) + 1
            outcomes = report.outcomes.setdefault(slug, {"agree": 0, "divergence": 0, "disagreement": 0})
            if q.decision == "undecided":
                lacking = [m.fact for m in q.missing if _absent(m.fact, p)]
                if lacking and len(lacking) == len(q.missing):
                    report.undecided_agree += 1
                    outcomes["agree"] += 1
                    continue
            elif (q.decision == "eligible") == of:
                report.decided_agree += 1
                outcomes["agree"] += 1
                continue
            line = (
                f"{slug}: qfq {q.decision} ({'; '.join(q.met + q.failed + q.unknown)}), OpenFisca {of} — {p}"
            )
            why = next((why for s, why, hit, _ in divergences if s == slug and hit(p)), None)
            (report.divergences if why else report.disagreements).append(f"{line} [{why}]" if why else line)
            outcomes["divergence" if why else "disagreement"] += 1
    return report


def _absent(fact: str, p: Profile) -> bool:
    if fact == "age":
        return p.age is None
    if fact.startswith("status:"):
        return not p.statuses
    return fact not in p.facts


def test_qfq_agrees_with_openfisca_on_generated_profiles() -> None:
    pytest.importorskip("openfisca_france")
    report = crosscheck(generate(400))
    if report.divergences:  # reported, never passed silently: each is a miss of the 100 % target
        warnings.warn(
            f"{len(report.divergences)} / {report.compared} comparisons are documented divergences from "
            f"OpenFisca-France (qfq follows the official rule), e.g. {report.divergences[0]}",
            stacklevel=1,
        )
    assert report.compared == 400 * len(PAIRS)
    assert not report.disagreements, "\n".join(report.disagreements[:30])
    assert report.decided_agree > report.compared / 3  # many comparisons are decided, not undecided
    for slug in PAIRS:  # each pair is seen both eligible and excluded
        assert report.decisions[slug].get("eligible") and report.decisions[slug].get("excluded"), slug
    # OpenFisca's full CEJ variable refuses the allowance to a beneficiary of the RSA whose contract it
    # accepts, and to no one else here (ppa, volunteering and the tax bracket are neutral in every profile)
    refused = report.allowance_refused["cej"]
    assert refused and all("beneficiaire_rsa" in p.statuses for p in refused)
    # an apprentice, in training, is out of the CEJ for both (TRAINING_PAIRS), and an employee for the other
    # pairs: the only divergences left are the Loca-Pass at 30 and the aide au permis's age and RSA
    assert all(d.startswith(("avance_loca_pass:", "aide_permis:")) for d in report.divergences)


def test_each_divergence_is_its_openfisca_parameter() -> None:
    """The documented divergences are exactly OpenFisca's parameters against the official rule: the installed
    package still holds them (else drop the entry), and with them set to the official rule OpenFisca agrees
    with qfq on every comparison (so no divergence hides a disagreement)."""
    pytest.importorskip("openfisca_france")
    from openfisca_france.model.prestations.aide_permis_demandeur_emploi import (
        aide_permis_demandeur_emploi_eligibilite_financiere as financiere,
    )
    from openfisca_france.model.prestations.aide_permis_demandeur_emploi import (
        aide_permis_demandeur_emploi_eligibilite_individu as individu,
    )
    from openfisca_france.model.prestations.locapass import locapass_eligibilite_jeunes

    tbs = tax_benefit_system()
    node = tbs.parameters(PERIOD)
    for part in LOCAPASS_AGE_MAX.split("."):
        node = getattr(node, part)
    assert node == 30, "OpenFisca's Loca-Pass age changed: re-read it and drop or mend the divergence"
    assert "age <= age_max" in inspect.getsource(locapass_eligibilite_jeunes.formula)
    # the aide au permis: no age in the individual test, the RSA and the AAH refused in the financial one
    assert "'age'" not in inspect.getsource(individu.formula), "OpenFisca's aide au permis reads the age now"
    assert "sans_rsa" in inspect.getsource(financiere.formula), "OpenFisca's aide au permis takes the RSA now"
    profiles = generate(400)
    assert crosscheck(profiles).divergences  # the divergence is met on these profiles
    official = crosscheck(profiles, official=True)
    assert not official.divergences and not official.disagreements, "\n".join(official.disagreements[:20])


def test_an_ended_pair_is_closed_for_both() -> None:
    """A pair compared on an earlier month (PAIR_PERIODS) is closed on PERIOD for qfq and for OpenFisca."""
    pytest.importorskip("openfisca_france")
    from graph.conditions_eval import eligibility
    from graph.dispositifs import Thesaurus
    from graph.profile import ProfileTerms

    thesaurus, terms = Thesaurus.load(), ProfileTerms.load()
    profiles = [p for p in generate(400) if "apprenti" in p.statuses and (p.age or 0) >= 18]
    assert profiles
    tbs = tax_benefit_system()
    for slug in PAIR_PERIODS:
        assert not any(_verdicts_on(tbs, profiles, PAIRS[slug], PERIOD)), slug
        # on the earlier month OpenFisca takes them, and qfq does on that day but not on PERIOD's
        assert all(_verdicts_on(tbs, profiles, PAIRS[slug], PAIR_PERIODS[slug][0])), slug
        d = thesaurus.get(f"dispositif:{slug}")
        for p in profiles:
            kwargs = {"terms": terms, "thesaurus": thesaurus, "facts": p.facts}
            then = eligibility(d, p.age, p.statuses, on=PAIR_PERIODS[slug][1], **kwargs)
            now = eligibility(d, p.age, p.statuses, on=dt.date(2026, 11, 15), **kwargs)
            assert (then.decision, now.decision) == ("eligible", "excluded"), p
