"""A five-digit code that is a postal code of some communes and the INSEE code of another (« 14100 »: the
postal code of Lisieux, the INSEE code of Bretteville-sur-Laize, whose postal code is 14680): the person gave
where they receive their mail, so the postal code's commune is understood and the other is shown among the
homonyms to check (session 14: « 14100 » was read as Bretteville-sur-Laize)."""

from __future__ import annotations

from api.service import Service


def test_a_postal_code_that_is_also_an_insee_code_is_read_as_the_postal_code(built: Service) -> None:
    answer = built.match(age=40, statuses=["demandeur_emploi"], where="14100", needs=["emploi"])
    where = answer["profile"]["where"]
    assert (where["name"], where["code"]) == ("Lisieux", "14366")
    assert any("Bretteville-sur-Laize" in h and "14100" in h for h in where["homonyms"])
    # the local actions are Lisieux's too (corpus 000_1ad84331eee1d4b1.txt, Proposition 2-1, at Lisieux)
    quotes = [f"{a['title']} {a['evidence'].get('quote') or ''}" for a in answer["actions"]]
    assert any("maintien dans l'emploi des seniors" in q for q in quotes)


def test_an_insee_code_no_commune_receives_mail_at_is_still_read(built: Service) -> None:
    where = built.match(age=40, statuses=["demandeur_emploi"], where="14366")["profile"]["where"]
    assert (where["name"], where["code"]) == ("Lisieux", "14366")
    assert (
        built.match(age=40, statuses=["demandeur_emploi"], where="14118")["profile"]["where"]["name"]
        == "Caen"
    )
