"""Every answer of the facade, on the real corpus, against its HTTP model with extra fields refused: a field
added to an answer without its model fails here. The served body is the answer itself (nothing dropped,
nothing retyped), through the one serialisation the routes and the CLI share."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from api import models as m
from api.answers import body
from api.service import Service
from api.settings import Settings


def check(model: type[BaseModel], answer: dict) -> None:
    model.model_validate(answer)  # raises on a field the model does not declare (extra="forbid")
    assert json.loads(body(model, answer)) == json.loads(json.dumps(answer)), model.__name__


@pytest.fixture(scope="module")
def searchable(
    tmp_path_factory: pytest.TempPathFactory, two_docs: Path, two_docs_data: Path, vector_cache: Path
) -> Service:
    """A copy of the session's store over the two documents, with its saved indexes."""
    data = tmp_path_factory.mktemp("models") / "data"
    shutil.copytree(two_docs_data, data)
    svc = Service(Settings(data=data, corpus=[two_docs], vector_cache=vector_cache, warm_up=False))
    yield svc
    svc.close()


def test_graph_answers_match_their_models(built: Service) -> None:
    for answer in (
        built.who(where="Calvados"),
        built.who(what="France Travail"),
        built.who(what="mobilité", where="Vendée"),
    ):
        assert answer["results"]
        check(m.WhoResponse, answer)
    assert any("successor" in r["actor"] for r in built.who(what="France Travail")["results"])
    minor = built.match(age=17, statuses=["apprenti"], where="Caen", needs=["logement", "mobilite"])
    assert minor["actions_excluded"] and minor["eligible"]
    for answer in (
        minor,
        built.match(age=24, statuses=["demandeur_emploi"], where="Vire", needs=["mobilite", "garde_enfants"]),
        built.match(where="Caen", needs=["emploi"]),  # no age: undecided dispositifs
    ):
        check(m.MatchResponse, answer)
    assert built.match(where="Caen", needs=["emploi"])["undecided"]
    check(m.CoverageResponse, built.coverage("garde_enfants"))
    check(m.CoverageResponse, built.coverage("mobilite", level="region", within="Normandie"))
    listing = built.dispositifs()
    check(m.DispositifList, listing)
    for item in listing["items"]:  # thesaurus entries and local schemes
        check(m.DispositifDetail, built.dispositif(item["id"]))
    check(m.Neighbourhood, built.neighbourhood("action:001_7091df44cd1e8194/macigogne-fr"))
    check(m.ActorList, built.actors("DIRECCTE"))
    check(m.ActorList, built.actors())


def test_reference_store_and_sparql_answers_match_their_models(built: Service) -> None:
    check(m.TerritoryResponse, built.territories("Rou"))
    check(m.Vocabulary, built.vocabulary())
    check(m.Health, built.health())
    check(m.PassageResponse, built.passage("001_7091df44cd1e8194", 10, 12))
    check(m.ExportList, built.exports())
    page = built.list_actions(limit=5)
    m.ActionPage.model_validate(page)
    select = built.sparql(
        "SELECT ?a ?label WHERE { ?a <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 20"
    )
    assert select["results"]["bindings"]
    for answer in (
        select,
        built.sparql("ASK {}"),
        built.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"),
    ):
        check(m.SparqlResponse, answer)


def test_ingest_report_matches_its_model(service: Service, corpus_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "001_7091df44cd1e8194.txt"
    shutil.copyfile(corpus_dir / good.name, good)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    report = service.ingest([good, empty]).to_dict()
    assert report["totals"]["errors"] == 1 and report["unmatched_territories"] is not None
    check(m.IngestReportBody, report)


def test_search_and_similar_answers_match_their_models(searchable: Service) -> None:
    for answer in (
        searchable.search("places en crèche pour un entretien d'embauche", k=5),
        searchable.search("logement", k=10, where="Vendée"),
        searchable.search("période d'immersion en entreprise", k=5, type="dispositif"),
        searchable.search("France Travail", k=5, type="actor"),
    ):
        assert answer["results"]
        check(m.SearchResponse, answer)
    similar = searchable.similar("001_7091df44cd1e8194/macigogne-fr", k=5, scope="all")
    assert similar["results"] and any(r["explanation"]["passages"] for r in similar["results"])
    check(m.SimilarResponse, similar)
    check(m.SimilarResponse, searchable.similar("001_7091df44cd1e8194/eit-49", k=5))


def test_a_field_without_its_model_is_refused(built: Service) -> None:
    answer = built.who(where="Vendée")
    with pytest.raises(ValidationError, match="extra"):
        m.WhoResponse.model_validate({**answer, "added": 1})
    action = {**answer["results"][0]["actions"][0], "added": 1}
    nested = {**answer, "results": [{**answer["results"][0], "actions": [action]}]}
    with pytest.raises(ValidationError, match="extra"):
        m.WhoResponse.model_validate(nested)
