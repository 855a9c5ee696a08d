"""Ten more profiles an adviser brings (session 9), unlike those of test_match_personas.py and
test_match_advisers.py, with what the official rules say of the dispositifs they touch — written from the
rules and committed before the matcher was run on them.

A verdict is "eligible", "excluded", "absent" (a local scheme of another territory) or ("undecided", facts):
undecided, and the facts it must ask about (each a question the adviser can put). Each expectation names its
rule in a comment (the page or text conditions.toml cites, or the one named here). A dispositif whose official
verdict is in doubt for a persona is left out rather than guessed. The test reports every verdict qfq gets
wrong at once, and checks the trace texts for slugs."""

from __future__ import annotations

from typing import Any

import pytest

from api.service import Service
from ingest.errors import InputError
from tests.persona_checks import ABSENT, E, X, ask, check_persona, decide_for

PERSONAS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "jeune de 16 ans qui sort du lycée sans qualification, à Brest",
        {
            "age": 16,
            "statuses": ["sans_emploi_ni_formation"],
            "where": "Brest",
            "facts": {"sans_qualification": "oui"},
        },
        {
            "cej": E,  # Code du travail L5131-6: 16 to 25, neither a student nor in a formation
            "pacea": E,  # 16 to 25 (mission locale)
            "e2c": E,  # 16 to 25, out of school without a professional qualification
            "epide": X,  # travail-emploi.gouv.fr: 17 to 25
            "contrat_apprentissage": E,  # L6222-1: 16 to 29
            "contrat_professionnalisation": E,  # L6325-1: 16 to 25
            "visale": X,  # visale.fr: 18 to 30 (a minor)
            "aide_permis": X,  # F1719: a registered job seeker of 18 or more
            "aide_permis_apprentis": X,  # an apprentice of 18 or more
            "aides_mobilite": X,  # délib. FT 2023-54: a registered job seeker
            "mobili_jeune": X,  # an alternant only
            "cpf": E,  # L6323-2: from 16
            "cep": E,  # every active person, young people out of school included (the CEP's arrêté of 2014)
            "iae": E,  # a person without a job (criteria checked by the prescriber)
            "pec": E,
            "plateforme_mobilite": E,  # L1215-3: every person far from employment
            "garantie_jeunes": X,  # replaced by the CEJ
            "prepa_apprentissage": X,  # ended on 2024-12-31
            "bretagne_alternance": E,  # a Bretagne scheme, Brest is in Bretagne
            "macigogne": ABSENT,
            "orientibus": ABSENT,
        },
    ),
    (
        "personne de 45 ans reconnue travailleur handicapé, à l'AAH, non inscrite, à Metz",
        {
            "age": 45,
            "statuses": ["travailleur_handicape"],
            "where": "Metz",
            "facts": {"aah": "oui"},
        },
        {
            "contrat_apprentissage": E,  # L6222-2: no upper age for a disabled worker
            "contrat_professionnalisation": E,  # L6325-1: 26 or more and the AAH
            "cej": X,  # 29 at most with an RQTH
            "clauses_sociales": E,  # the State's guide: an RQTH, the AAH
            "pmsmp": E,  # a person in a social or professional support (Cap emploi)
            "plateforme_mobilite": E,  # L1215-3: a person with a disability
            "iae": E,  # without a job
            "pec": E,
            "cui": E,
            "aides_mobilite": X,  # not registered with France Travail
            "aide_permis": X,
            "visale": ask("promesse_embauche"),  # over 30, not an employee: only when entering a job
            "avance_loca_pass": X,  # neither an employee nor a job seeker or student under 30
            "e2c": X,
            "epide": X,
            "pacea": X,
            "cpf": E,
            "cep": E,
            "prepa_apprentissage": X,
        },
    ),
    (
        "jeune mère demandeuse d'emploi de 24 ans, un enfant de 2 ans, en QPV à Roubaix",
        {
            "age": 24,
            "statuses": ["demandeur_emploi", "residant_qpv"],
            "where": "Roubaix",
            "facts": {"enfants": "2"},
        },
        {
            "avip": E,  # a job seeker with a child under 3
            "paje": E,  # a child under 6
            "agepi": ask("reprise"),  # instruction FT 2024-16: the job or training taken up, the allowance
            "cej": E,  # 16 to 25
            "pacea": E,
            "visale": E,  # 18 to 30
            "avance_loca_pass": E,  # F18490: a job seeker under 30
            "contrat_apprentissage": E,
            "contrat_professionnalisation": E,
            "clauses_sociales": E,  # under 26, out of school (a job seeker)
            "aides_mobilite": ask("are_journaliere"),  # délib. 2023-54: ≤ the ARE minimum
            "e2c": ask("sans_qualification"),
            "epide": ask("sans_qualification"),
            "iae": E,
            "pec": E,
            "mobili_jeune": X,
            "emplois_francs": X,  # closed on 2025-01-01
            "aide_permis": ask("mois_inscription"),  # F1719: 6 months registered, or a promise
        },
    ),
    (
        "demandeur d'emploi de 40 ans inscrit depuis 25 mois, à Dijon",
        {
            "age": 40,
            "statuses": ["demandeur_emploi"],
            "where": "Dijon",
            "facts": {"mois_inscription": 25},
        },
        {
            "clauses_sociales": E,  # the State's guide: more than 12 months registered
            "aide_permis": ask("are_journaliere"),  # 6 months registered: the allowance decides
            "aides_mobilite": ask("are_journaliere"),
            "aif": E,
            "poe": E,
            "mrs": E,
            "pmsmp": E,
            "contrat_professionnalisation": E,  # a job seeker of 26 or more
            "contrat_apprentissage": X,
            "cej": X,
            "visale": ask("promesse_embauche"),
            "avance_loca_pass": X,
            "iae": E,
            "pec": E,
            "plateforme_mobilite": E,
            "agepi": ask("enfants"),
            "emplois_francs": X,
        },
    ),
    (
        "salarié de 31 ans payé 1 400 € net par mois, à Nancy",
        {
            "age": 31,
            "statuses": ["salarie"],
            "where": "Nancy",
            "facts": {"salaire_net_mensuel": 1400},
        },
        {
            "visale": E,  # visale.fr: an employee over 30 whose net wage is at most 1,500 € a month
            "avance_loca_pass": E,  # F18490: an employee of the private sector (checked)
            "mobili_jeune": X,  # an alternant under 30
            "cpf": E,
            "cep": E,
            "iae": X,  # people without a job
            "pec": X,
            "cui": X,
            "aides_mobilite": X,  # not a job seeker
            "aide_permis": X,
            "cej": X,
            "contrat_apprentissage": X,  # 31, no RQTH
        },
    ),
    (
        "senior de 58 ans demandeur d'emploi indemnisé 38 € par jour, en ZRR à Saint-Flour",
        {
            "age": 58,
            "statuses": ["demandeur_emploi", "senior", "residant_zrr"],
            "where": "Saint-Flour",
            "facts": {"are_journaliere": 38},
        },
        {
            # délib. FT 2023-54 art. 2 and F1719: an allowance above the minimum ARE (32,13 €) excludes
            "aides_mobilite": X,
            "aide_permis": X,
            "aide_frais_deplacement": X,
            # instruction FT 2024-16: up to 1,3 × the minimum ARE (41,77 €): the children decide
            "agepi": ask("enfants"),
            "aif": E,  # compensated or not
            "poe": E,
            "mrs": E,
            "pmsmp": E,
            "contrat_professionnalisation": E,
            "iae": E,
            "pec": E,
            "plateforme_mobilite": E,
            "visale": ask("promesse_embauche"),
            "avance_loca_pass": X,
            "cej": X,
            "contrat_apprentissage": X,
            "epide": X,
            "cpf": E,
        },
    ),
    (
        "étudiant de 20 ans non inscrit à France Travail, à Grenoble",
        {"age": 20, "statuses": ["etudiant"], "where": "Grenoble"},
        {
            "visale": E,  # 18 to 30, whatever the situation
            "avance_loca_pass": ask("boursier", "contrat_3_mois"),  # F18490: a grant, or a 3-month contract
            "cej": X,  # not a student
            "bail_mobilite": E,  # loi 89-462 art. 25-12: higher education (checked)
            "iae": X,
            "pec": X,
            "e2c": X,
            "epide": X,
            "cep": X,  # every active person; a student who does not work is not one
            "aides_mobilite": X,
            "aide_permis": X,
            "mobili_jeune": X,
            "contrat_apprentissage": E,
            "contrat_professionnalisation": E,
            # the State's guide: « jeunes de moins de 26 ans […] sortis du système scolaire ou de
            # l'enseignement supérieur depuis au moins 6 mois »: a student is not. Corrected after the first
            # run (was X): the beneficiaries of the AAH are a public of their own, and a student of 20 may
            # hold it (the AAH is paid from 20): the adviser must ask
            "clauses_sociales": ask("aah"),
            "aide_permis_apprentis": X,
        },
    ),
    (
        "demandeur d'emploi de 35 ans non indemnisé avec une promesse de CDI à 80 km, à Poitiers",
        {
            "age": 35,
            "statuses": ["demandeur_emploi"],
            "where": "Poitiers",
            "facts": {
                "promesse_embauche": "oui",
                "reprise": "cdi",
                "mois_inscription": 4,
                "are_journaliere": 0,
            },
        },
        {
            "aide_permis": E,  # F1719: before 6 months, a promise of a CDI (the derogation is checked)
            "aides_mobilite": E,  # not compensated
            "aide_frais_deplacement": E,  # 80 km (the distance is checked: more than 60 km)
            "visale": E,  # visale.fr: over 30 with a promise of a job
            "poei": ask("offre_emploi"),  # L6326-1: an offer filed with France Travail
            "agepi": ask("enfants"),
            "mrs": E,
            "aif": E,
            "contrat_professionnalisation": E,
            "plateforme_mobilite": E,
            "cej": X,
            "contrat_apprentissage": X,
            "emplois_francs": X,
        },
    ),
    (
        "salarié de 42 ans en parcours d'insertion dans une structure de l'IAE, à Amiens",
        {
            "age": 42,
            "statuses": ["salarie"],
            "where": "Amiens",
            "facts": {"salarie_insertion": "oui"},
        },
        {
            "poe": E,  # the POEC is open to employees in an SIAE (loi du 5 mars 2014)
            "poec": E,
            "pec": X,  # already employed
            "cep": E,
            "cpf": E,
            "pmsmp": E,  # L5135-1: employees in an SIAE may do an immersion
            # the State's guide: « les personnes prises en charge par les structures d'insertion par
            # l'activité économique » are a public of the clauses sociales
            "clauses_sociales": E,
            "avance_loca_pass": E,  # an employee (of a private structure: checked)
            "visale": ask("prise_de_poste_recente", "salaire_net_mensuel"),  # over 30: new job or ≤ 1,500 €
            "aides_mobilite": X,
            "aif": X,  # a job seeker's aid
            "cej": X,
            "contrat_apprentissage": X,
        },
    ),
    (
        "mère de 33 ans qui reprend un CDD de 6 mois après un congé parental, enfant de 4 ans, à Tours",
        {
            "age": 33,
            "statuses": ["demandeur_emploi"],
            "where": "Tours",
            "facts": {"enfants": "4", "reprise": "cdd", "contrat_duree_mois": 6, "are_journaliere": 0},
        },
        {
            "agepi": E,  # instruction FT 2024-16: a child under 12, a contract of 28 days or more, not paid
            "avip": X,  # a child under 3
            "paje": E,  # a child under 6 (CMG)
            "aides_mobilite": E,
            "aide_frais_deplacement": E,  # the return to a contract of 3 months or more (checked)
            "aide_permis": ask("mois_inscription"),  # 6 months registered, or a promise of a job
            "poei": ask("offre_emploi"),  # a CDD of 6 months: an offer filed with France Travail
            "visale": ask("promesse_embauche"),
            "contrat_professionnalisation": E,
            "cej": X,
            "contrat_apprentissage": X,
            "iae": E,
            "pec": E,
            "cep": E,
            "cpf": E,
            "avance_loca_pass": X,
        },
    ),
]


@pytest.mark.parametrize("persona", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_a_session_9_persona_gets_the_official_verdicts(built: Service, persona) -> None:
    check_persona(built, persona)


# ---------------------------------------------------------------- the rules these personas fixed (no corpus)


def test_a_student_is_not_a_young_public_of_the_clauses_but_an_iae_employee_is() -> None:
    student = decide_for("clauses_sociales", 20, {"etudiant"}, {"aah": False})
    assert student.decision == "excluded"
    assert "au plus 25 ans : 20 ans ✓" not in student.met
    young = decide_for("clauses_sociales", 20, {"sans_emploi_ni_formation"})
    assert young.decision == "eligible"
    siae = decide_for("clauses_sociales", 42, {"salarie"}, {"salarie_insertion": True})
    assert siae.decision == "eligible"
    # over 50, only a job seeker
    no = {"aah": False, "salarie_insertion": False}
    assert decide_for("clauses_sociales", 55, {"salarie"}, no).decision == "excluded"
    assert decide_for("clauses_sociales", 55, {"demandeur_emploi"}).decision == "eligible"


def test_a_person_not_registered_has_no_ass_and_no_months_of_registration() -> None:
    r = decide_for("clauses_sociales", 40, {"salarie"})
    # neither the ASS nor the registration length is asked of an employee: only the AAH and the SIAE
    assert [m.fact for m in r.missing] == ["aah", "salarie_insertion"]
    seeker = decide_for("clauses_sociales", 40, {"demandeur_emploi"})
    assert {"ass", "mois_inscription"} <= {m.fact for m in seeker.missing}
    assert "salarie_insertion" not in {m.fact for m in seeker.missing}  # not an employee
    unknown = decide_for("clauses_sociales", 40, set())  # statuses unknown: nothing is inferred
    assert {"ass", "mois_inscription", "salarie_insertion"} <= {m.fact for m in unknown.missing}
    student = decide_for("clauses_sociales", 20, {"etudiant"}, {"aah": False})
    assert (
        "durée d'inscription comme demandeur d'emploi ≥ 12 mois : pas demandeur d'emploi ✗"
        in student.failed[0]
    )


def test_an_error_on_a_fact_names_it_as_the_adviser_reads_it() -> None:
    from api.cli.matching import _as_option
    from graph.conditions_facts import Facts

    with pytest.raises(InputError) as err:
        Facts.load().parse({"are_journaliere": -3})
    assert "« allocation chômage journalière »" in err.value.message
    assert "are_journaliere" not in err.value.message and err.value.where == "facts.are_journaliere"
    # `qfq match` names the option the user typed, not the HTTP parameter
    assert _as_option("facts.enfants") == "--fait enfants"
    assert _as_option("statuses") == "--status" and _as_option("where") == "--where"
