"""A person who names no need is shown the local actions aimed at a public they belong to (a status they
hold, or an age the vocabulary ties to a public: a senior is 50 or more), beside those that mobilise a
dispositif they may have (session 14: a job seeker of 58 at Lisieux was not shown the plan's action for the
seniors of Lisieux unless he named the need « emploi »)."""

from __future__ import annotations

from api.service import Service

SENIORS = "000_1ad84331eee1d4b1/proposition-2-1"  # corpus line 312: seniors, at Lisieux among others


def test_a_senior_who_names_no_need_is_shown_the_action_for_seniors(built: Service) -> None:
    answer = built.match(age=58, statuses=["salarie"], where="Lisieux")
    kept = {a["id"]: a for a in answer["actions"]}
    assert SENIORS in kept
    assert any("Seniors" in r["why"] for r in kept[SENIORS]["reasons"])


def test_a_person_of_no_public_of_the_action_is_not_shown_it(built: Service) -> None:
    assert SENIORS not in {
        a["id"] for a in built.match(age=30, statuses=["salarie"], where="Lisieux")["actions"]
    }
    # a need named: the actions are those of the need, as before
    needs = built.match(age=58, statuses=["salarie"], where="Lisieux", needs=["logement"])
    assert SENIORS not in {a["id"] for a in needs["actions"]}
