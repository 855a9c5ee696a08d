"""The `/match` body: `MatchBody` (shared parts validated once) encodes an answer byte for byte as
`MatchResponse` does, on the first answer and on the next ones that reuse the validated parts; the route and
the CLI's --json say the same."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.answers import encode
from api.app import create_app
from api.models import MatchBody, MatchResponse
from api.service import Service

PROFILES = [
    {"age": 24, "statuses": ["demandeur_emploi"], "where": "Vire", "needs": ["mobilite"]},
    {"age": 17, "statuses": ["apprenti"], "where": "Caen"},
    {
        "age": 35,
        "statuses": ["demandeur_emploi", "parent_isole"],
        "where": "85000",
        "facts": {"enfants": "2,7"},
    },
    {"age": 58, "statuses": ["beneficiaire_rsa", "residant_qpv"], "where": "Évreux", "needs": ["emploi"]},
    {"where": "Nantes", "needs": ["emploi", "formation"]},
    {"age": 16, "statuses": [], "where": "Rennes", "facts": {"promesse_embauche": "non"}},
]


def test_match_body_is_the_match_response_body(built: Service) -> None:
    for _ in range(2):  # the second pass reuses the parts validated by the first
        for profile in PROFILES:
            answer = built.match(**profile)
            assert answer["actions"] or answer["undecided"]  # the shared parts are there to reuse
            assert encode(MatchBody, answer) == encode(MatchResponse, answer), profile


def test_the_route_serves_that_body(built: Service) -> None:
    with TestClient(create_app(built.settings)) as client:
        for profile in PROFILES[:3]:
            params = [("where", profile["where"]), ("age", profile["age"])]
            params += [("status", s) for s in profile["statuses"]] + [
                ("need", n) for n in profile.get("needs", [])
            ]
            params += [("fact", f"{k}={v}") for k, v in profile.get("facts", {}).items()]
            r = client.get("/match", params=params)
            assert r.status_code == 200
            assert r.content == encode(MatchResponse, built.match(**profile))
