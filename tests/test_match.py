"""Adviser matching on the real corpus: inclusions with their reasons, exclusions with the failed condition,
local actions by containment, an action whose own text turns the person away, and 422 errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service
from graph.reference import ReferenceData
from ingest.errors import InputError


def names(entries: list[dict]) -> set[str]:
    return {e["dispositif"]["id"] for e in entries}


def test_parent_job_seeker_in_vendee(built: Service) -> None:
    who = {
        "age": 24,
        "statuses": ["demandeur_emploi", "parent_isole"],
        "where": "85000",
        "needs": ["garde_enfants"],
    }
    asked = built.match(**who)
    undecided = {e["dispositif"]["id"]: e for e in asked["undecided"]}
    assert {"dispositif:avip", "dispositif:agepi"} <= set(undecided)
    assert (
        "La personne a-t-elle des enfants à charge, et de quel âge ?"
        in undecided["dispositif:avip"]["missing"]
    )
    questions = {q["fact"]: q for q in asked["questions"]}
    assert (
        questions["enfants"]["type"] == "ages" and "dispositif:agepi" in questions["enfants"]["dispositifs"]
    )
    assert "promesse_embauche" not in questions  # asked only when an undecided dispositif needs it
    body = built.match(**who, facts={"enfants": "2", "are_journaliere": 0, "reprise": "cdi"})
    assert body["profile"]["where"]["name"] == "La Roche-sur-Yon"
    assert body["profile"]["facts"] == {"enfants": [2], "are_journaliere": 0.0, "reprise": "cdi"}
    eligible = {e["dispositif"]["id"]: e for e in body["eligible"]}
    assert {"dispositif:macigogne", "dispositif:avip", "dispositif:agepi"} <= set(eligible)
    assert "demandeur d'emploi ✓" in eligible["dispositif:avip"]["reasons"]
    assert "enfant de moins de 3 ans : 2 ans ✓" in eligible["dispositif:avip"]["reasons"]
    assert eligible["dispositif:agepi"]["to_check"]  # "à vérifier" items
    assert eligible["dispositif:agepi"]["dispositif"]["source"].startswith("http")
    actions = {a["id"]: a for a in body["actions"]}
    macigogne = actions["001_7091df44cd1e8194/macigogne-fr"]
    assert macigogne["scope"] == "local" and macigogne["contacts"]
    assert macigogne["pilots"][0]["display"] == "Pôle emploi (aujourd'hui France Travail)"
    assert all(r["quote"] for r in macigogne["reasons"])
    assert "001_7091df44cd1e8194/macigogne-fr" in eligible["dispositif:macigogne"]["actions"]
    assert not any("000_1ad84331eee1d4b1" in a for a in actions)  # Normandie's actions are not in Vendée
    whys = [r["why"] for a in body["actions"] for r in a["reasons"]]
    assert whys and not any("garde_enfants" in w for w in whys)  # slugs never leak
    assert any("besoin « Faire garder ses enfants »" in w for w in whys)


def test_age_conditions_and_their_exceptions(built: Service) -> None:
    young = built.match(
        age=22, statuses=["demandeur_emploi", "sans_emploi_ni_formation"], where="Caen", needs=["emploi"]
    )
    assert "dispositif:cej" in names(young["eligible"])
    older = built.match(
        age=27, statuses=["demandeur_emploi", "sans_emploi_ni_formation"], where="Caen", needs=["emploi"]
    )
    cej = next(e for e in older["excluded"] if e["dispositif"]["id"] == "dispositif:cej")
    assert any("27 ans ✗" in f for f in cej["failed"])
    rqth = built.match(
        age=27,
        statuses=["demandeur_emploi", "sans_emploi_ni_formation", "travailleur_handicape"],
        where="Caen",
        needs=["emploi"],
    )
    assert "dispositif:cej" in names(rqth["eligible"])
    garantie = next(e for e in young["excluded"] if e["dispositif"]["id"] == "dispositif:garantie_jeunes")
    assert any("remplacé" in f for f in garantie["failed"])


def test_undecided_says_what_is_missing(built: Service) -> None:
    body = built.match(where="Caen", needs=["emploi"])  # no age, no status
    undecided = {e["dispositif"]["id"]: e for e in body["undecided"]}
    assert undecided and all(e["missing"] for e in undecided.values())


def test_an_action_that_turns_minors_away_is_not_proposed(built: Service) -> None:
    body = built.match(age=17, statuses=["apprenti"], where="Caen", needs=["logement", "mobilite"])
    turned = {a["id"]: a for a in body["actions_excluded"]}
    afpa = turned["000_1ad84331eee1d4b1/proposition-1-6"]
    assert "mineurs" in afpa["excluded_by"]["quote"] and afpa["excluded_by"]["line"] > 0
    assert "000_1ad84331eee1d4b1/proposition-1-6" not in {a["id"] for a in body["actions"]}
    adult = built.match(age=30, statuses=["demandeur_emploi"], where="Caen", needs=["logement", "mobilite"])
    assert "000_1ad84331eee1d4b1/proposition-1-6" in {a["id"] for a in adult["actions"]}


def test_an_ambiguous_commune_asks_which_one_and_a_short_name_is_accepted(built: Service) -> None:
    with pytest.raises(InputError, match="plusieurs communes") as err:
        built.match(age=30, where="Saint-Denis")
    assert "« Saint-Denis (93) »" in err.value.valid and "La Réunion" in err.value.valid
    chosen = built.match(age=30, where="Saint-Denis (93)")
    assert chosen["profile"]["where"]["code"] == "93066"
    cherbourg = built.match(age=30, where="Cherbourg")
    assert cherbourg["profile"]["where"]["name"] == "Cherbourg-en-Cotentin"
    valence = built.match(age=30, where="Valence")  # one big commune: answered, the others said
    assert valence["profile"]["where"]["code"] == "26362"
    assert any("Tarn-et-Garonne" in h for h in valence["profile"]["where"]["homonyms"])


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"age": 150, "where": "Caen"}, "âge impossible"),
        ({"age": 20, "statuses": ["astronaute"], "where": "Caen"}, "statut inconnu"),
        ({"age": 20, "needs": ["bonheur"], "where": "Caen"}, "besoin inconnu"),
        ({"age": 20, "where": "Caen", "facts": {"licorne": True}}, "fait inconnu"),
        ({"age": 20, "where": "Caen", "facts": {"enfants": "deux"}}, "invalide"),
        ({"age": 20, "where": "Atlantide"}, "lieu inconnu"),
    ],
)
def test_bad_profiles_are_clear_errors(built: Service, kwargs: dict, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        built.match(**kwargs)


def test_http_match_get_post_and_422(built: Service) -> None:
    with TestClient(create_app(built.settings)) as client:
        r = client.get(
            "/match",
            params={"age": 24, "status": ["demandeur_emploi"], "where": "Vire", "need": ["mobilite"]},
        )
        assert r.status_code == 200 and r.json()["eligible"]
        p = client.post(
            "/match",
            json={"age": 24, "statuses": ["demandeur_emploi"], "where": "Vire", "needs": ["mobilite"]},
        )
        assert p.json() == r.json()
        bad = client.get("/match", params={"age": 24, "status": ["astronaute"], "where": "Vire"})
        assert bad.status_code == 422
        body = bad.json()
        assert body["where"] == "statuses" and "demandeur_emploi" in body["valid"]
        assert client.get("/match", params={"where": "Atlantide"}).status_code == 422
        facts = client.get(
            "/match",
            params={
                "age": 35,
                "status": ["salarie"],
                "where": "Vire",
                "need": ["logement"],
                "fact": "salaire_net_mensuel=1400",
            },
        )
        visale = next(e for e in facts.json()["eligible"] if e["dispositif"]["id"] == "dispositif:visale")
        assert "salaire net mensuel ≤ 1\u202f500 € : 1\u202f400 € ✓" in visale["reasons"]
        posted = client.post(
            "/match",
            json={
                "age": 35,
                "statuses": ["salarie"],
                "where": "Vire",
                "needs": ["logement"],
                "facts": {"salaire_net_mensuel": 1400},
            },
        )
        assert posted.json() == facts.json()
        for bad in ({"fact": "licorne=oui"}, {"fact": "enfants"}, {"fact": "reprise=stage"}):
            r = client.get("/match", params={"age": 30, "where": "Vire", **bad})
            assert r.status_code == 422 and r.json()["valid"], bad
        r = client.post("/match", json={"age": 30, "where": "Vire", "facts": {"reprise": ["cdi"]}})
        assert r.status_code == 422
        # a type error carries no bounds: what is valid comes from its type, never null
        word = client.get("/match", params={"age": "vingt", "where": "Vire"})
        assert word.status_code == 422 and word.json()["where"] == "age", word.json()
        assert "nombre entier" in word.json()["valid"], word.json()
        typed = client.post("/match", json={"age": 30, "where": "Vire", "statuses": "salarie"})
        assert typed.status_code == 422 and "liste JSON" in typed.json()["valid"], typed.json()
        vocabulary = client.get("/vocabulary").json()
        assert "promesse_embauche" in {f["fact"] for f in vocabulary["facts"]}


PARENT = ["--age", "24", "--status", "demandeur_emploi", "--status", "parent_isole", "--where", "85000"]


@pytest.mark.parametrize(
    ("argv", "succeeds", "needles"),
    [
        (["--help"], True, ["Quels dispositifs", "--fait"]),
        (
            [*PARENT, "--need", "garde_enfants"],
            True,
            [
                "À préciser",
                "question : La personne a-t-elle des enfants à charge, et de quel âge ?",
                "--fait enfants=…",
            ],
        ),
        (
            [*PARENT, "--need", "garde_enfants", "--fait", "enfants=2", "--fait", "are_journaliere=0"]
            + ["--fait", "reprise=cdi"],
            True,
            ["enfant de moins de 12 ans : 2 ans ✓", "à vérifier : contrat d'au moins 28 jours consécutifs"],
        ),
        (["--where", "85000", "--fait", "licorne=oui"], False, ["fait inconnu"]),
        (
            ["--age", "45", "--status", "travailleur_independant", "--where", "Bordeaux", "--need", "emploi"],
            True,
            ["Non applicables", "travailleur indépendant : exclu ✗"],
        ),
    ],
    ids=["help", "asks", "told", "unknown-fact", "self-employed"],
)
def test_cli_match_in_french_with_facts(
    built: Service, argv: list[str], succeeds: bool, needles: list[str]
) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "match", *argv, "--data", str(built.settings.data)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert (done.returncode == 0) is succeeds, done.stderr
    shown = " ".join((done.stdout if succeeds else done.stdout + done.stderr).split())  # lines wrap at 80
    for needle in needles:
        assert needle in shown, needle


def test_a_matcher_goes_with_its_knowledge_base(reference: ReferenceData) -> None:
    import gc
    import weakref

    import networkx as nx

    from graph.match import matcher_for
    from graph.queries import Queries

    queries = Queries(nx.MultiDiGraph(), reference)
    made = matcher_for(queries, lambda doc: [])
    assert matcher_for(queries, lambda doc: []) is made  # one matcher per knowledge base
    gone = weakref.ref(queries)
    del queries, made
    gc.collect()
    assert gone() is None  # an old knowledge base is not kept alive by its matcher
