"""The ACRE (aide à la création ou à la reprise d'entreprise, Code du travail L5141-1): a creator of a
business is told whether the exemption applies (session 14: the thesaurus had no scheme for the need « créer
son activité »), from the rule of conditions.toml."""

from __future__ import annotations

from api.service import Service
from tests.persona_checks import decide_for


def test_the_acre_follows_the_publics_of_l5141_1() -> None:
    compensated = decide_for("acre", 38, {"demandeur_emploi"}, {"are_journaliere": 40})
    assert compensated.decision == "eligible"
    young = decide_for("acre", 23, {"salarie"})
    assert young.decision == "eligible" and any("23 ans" in m for m in young.met)
    assert decide_for("acre", 45, {"beneficiaire_rsa"}).decision == "eligible"
    # not compensated: six months of registration (within the last 18) open it
    asked = decide_for("acre", 35, {"demandeur_emploi"}, {"are_journaliere": 0})
    assert asked.decision == "undecided" and "mois_inscription" in {m.fact for m in asked.missing}
    assert (
        decide_for("acre", 35, {"demandeur_emploi"}, {"are_journaliere": 0, "mois_inscription": 7}).decision
        == "eligible"
    )
    # an employee of 40 is none of the publics (taking over a firm in difficulty: the adviser checks it)
    employee = decide_for("acre", 40, {"salarie"})
    assert employee.decision == "excluded"
    # a disabled worker until 29
    assert decide_for("acre", 28, {"salarie", "travailleur_handicape"}).decision == "eligible"


def test_a_creator_is_shown_the_acre(built: Service) -> None:
    answer = built.match(
        age=38,
        statuses=["demandeur_emploi"],
        where="Clermont-Ferrand",
        needs=["creation_activite"],
        facts={"are_journaliere": 40},
    )
    assert [e["dispositif"]["id"] for e in answer["eligible"]] == ["dispositif:acre"]
