"""Tests of the territorial referential against the real packaged data (no mocks).

Facts checked against graph/data/territories.json.gz (@etalab/decoupage-administratif 6.0.0).
"""

from __future__ import annotations

import gzip
import json

import pytest

from graph.reference import ReferenceData
from graph.territories import DATA_FILE, Referential, Territory
from ingest.text import place_key as normalize


@pytest.fixture(scope="module")
def ref() -> Referential:
    return ReferenceData().territories


def ids(territories: list[Territory]) -> list[str]:
    return [t.id for t in territories]


def test_source_is_recorded() -> None:
    with gzip.open(DATA_FILE, "rb") as fh:
        source = json.loads(fh.read())["source"]
    assert source["package"] == "@etalab/decoupage-administratif"
    assert source["version"] == "6.0.0"
    assert source["license"] == "MIT"
    assert source["built"]


def test_load_is_complete_and_cached() -> None:
    """Load speed is measured by bench/ingest.py (start-up), not asserted here."""
    fresh = Referential.load()
    assert len(fresh.regions()) == 26
    assert len(fresh.departements()) == 109
    reference = ReferenceData()
    assert reference.territories is reference.territories  # loaded once per reference data


def test_get_and_ids(ref: Referential) -> None:
    caen = ref.get("commune:14118")
    assert caen == Territory("14118", "Caen", "commune", "epci:200065597")
    assert caen.id == "commune:14118"
    assert ref.get("region:28") == Territory("28", "Normandie", "region", None)
    assert ref.get("departement:14") == Territory("14", "Calvados", "departement", "region:28")
    assert ref.get("commune:00000") is None


def test_normalize() -> None:
    assert normalize("La Roche-sur-Yon") == normalize("la roche  sur_yon") == "la roche sur yon"
    assert normalize("St-Lô") == normalize("SAINT LO") == "saint lo"
    assert normalize("Val-d’Oise") == normalize("Val-d'Oise") == "val d oise"
    assert normalize("l’Eure") == normalize("L'EURE") == "l eure"
    assert normalize("E\u0301vreux") == normalize("Évreux") == "evreux"  # decomposed accents
    assert normalize("Saint-Germain-en-Laye") == "saint germain en laye"
    assert normalize("Stenay") == "stenay"
    assert normalize("Œuilly") == "oeuilly"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sarthe", "departement:72"),
        ("Calvados", "departement:14"),
        ("Eure", "departement:27"),
        ("département de l'Eure", "departement:27"),
        ("Département de la Sarthe", "departement:72"),
        ("Normandie", "region:28"),
        ("Région Normandie", "region:28"),
        ("Région des Pays de la Loire", "region:52"),
        ("la Roche-sur-Yon", "commune:85191"),
        ("La Roche-sur-Yon", "commune:85191"),
        ("ROCHE SUR YON", "commune:85191"),
        ("St Lô", "commune:50502"),
        ("Saint-Lô", "commune:50502"),
        ("ÉVREUX", "commune:27229"),
        ("Pont- Audemer", "commune:27467"),
        ("Pont-Aude-\nmer", "commune:27467"),
        ("Caen (14)", "commune:14118"),
        ("Vire Normandie", "commune:14762"),
    ],
)
def test_lookup_first_hit(ref: Referential, text: str, expected: str) -> None:
    assert ids(ref.lookup(text))[0] == expected


def test_lookup_unknown(ref: Referential) -> None:
    assert ref.lookup("Pays d'Auge") == []
    assert ref.lookup("") == []


def test_vire_is_now_vire_normandie(ref: Referential) -> None:
    # Vire is a commune déléguée of Vire Normandie (same INSEE code 14762) since 2016;
    # "Viré" (71584, Saône-et-Loire) folds to the same key but the unaccented spelling wins.
    assert ref.get("commune:14762").name == "Vire Normandie"
    assert ids(ref.lookup("Vire"))[:2] == ["commune:14762", "commune:71584"]
    assert ids(ref.lookup("Viré"))[0] == "commune:71584"
    assert ids(ref.lookup("Vire", prefer_departement="14"))[0] == "commune:14762"
    assert ids(ref.lookup("14762")) == ["commune:14762"]


def test_lookup_codes(ref: Referential) -> None:
    assert ids(ref.lookup("14118")) == ["commune:14118"]
    assert ids(ref.lookup("2A004")) == ["commune:2A004"]  # Ajaccio
    assert ids(ref.lookup("75101")) == ["commune:75056"]  # Paris 1er arrondissement -> Paris
    assert ids(ref.lookup("14000")) == ["commune:14118"]  # postal code of Caen
    assert ids(ref.lookup("50000"))[0] == "commune:50502"  # shared postal code, most populous first
    assert "commune:50034" in ids(ref.lookup("50000"))  # Baudre
    assert ids(ref.lookup("14", levels=("departement",))) == ["departement:14"]
    assert ids(ref.lookup("2A", levels=("departement",))) == ["departement:2A"]
    assert ids(ref.lookup("974", levels=("departement",))) == ["departement:974"]
    assert ref.lookup("14") == []  # a bare number is a département only when asked for


def test_lookup_epci(ref: Referential) -> None:
    angers = ref.lookup("Angers Loire Métropole")
    assert ids(angers) == ["epci:244900015"]
    assert "commune:49007" in ref.descendants("epci:244900015")
    for text in ("CA du Cotentin", "Communauté d'Agglomération du Cotentin", "Agglo du Cotentin"):
        assert ids(ref.lookup(text)) == ["epci:200067205"], text
    for text in ("CU Caen la Mer", "Communauté urbaine Caen la Mer", "Caen la Mer"):
        assert ids(ref.lookup(text)) == ["epci:200065597"], text
    for text in ("CC du Pays de Falaise", "Communauté de communes du Pays de Falaise", "CC Pays de Falaise"):
        assert ids(ref.lookup(text)) == ["epci:241400514"], text


def test_homonyms_and_preferences(ref: Referential) -> None:
    assert ids(ref.lookup("Saint-Denis", prefer_departement="974"))[0] == "commune:97411"
    assert ids(ref.lookup("Saint-Denis", prefer_departement="93"))[0] == "commune:93066"
    assert ids(ref.lookup("Saint-Denis", prefer_region="04"))[0] == "commune:97411"
    assert {"commune:11339", "commune:30247"} <= set(ids(ref.lookup("Saint-Denis")))
    assert ids(ref.lookup("Paris")) == ["departement:75", "commune:75056"]
    assert ids(ref.lookup("Paris", levels=("commune",))) == ["commune:75056"]
    assert ids(ref.lookup("Vienne", prefer_departement="38"))[0] == "commune:38544"


def test_parents(ref: Referential) -> None:
    assert ids(ref.parents("commune:14118")) == ["epci:200065597", "departement:14", "region:28"]
    assert ids(ref.parents("epci:200065597")) == ["departement:14", "region:28"]
    assert ids(ref.parents("departement:14")) == ["region:28"]
    assert ref.parents("region:28") == []
    # Île-de-Bréhat belongs to no EPCI: département and région are still there.
    assert ids(ref.parents("commune:22016")) == ["departement:22", "region:53"]


def test_descendants(ref: Referential) -> None:
    calvados = ref.descendants("departement:14")
    assert "commune:14118" in calvados
    assert "epci:200065597" in calvados
    assert ref.descendants("departement:14", "commune")[0].startswith("commune:14")
    normandie = ref.descendants("region:28", "departement")
    assert normandie == [
        "departement:14",
        "departement:27",
        "departement:50",
        "departement:61",
        "departement:76",
    ]
    assert "commune:27229" in ref.descendants("region:28")
    assert ref.descendants("epci:244900015", "departement") == []
    assert ref.descendants("commune:14118") == []


def test_search(ref: Referential) -> None:
    assert "commune:76540" in ids(ref.search("Rou"))  # Rouen
    assert ids(ref.search("rouen")) == ["epci:200023414", "commune:76540"]
    assert ids(ref.search("normand", limit=1)) == ["region:28"]
    assert ids(ref.search("1400"))[0] == "commune:14118"
    assert len(ref.search("saint", limit=5)) == 5
    assert ref.search("") == []


def test_homonyms_and_short_forms() -> None:
    ref = Referential.load()
    levels = ("region", "departement", "epci", "commune")
    same = ref.homonyms("Saint-Denis", levels)
    assert {t.code for t in same} >= {"93066", "97411"}
    assert {ref.departement_of(t.id).code for t in same} >= {"93", "974"}
    assert ref.homonyms("Saint-Denis (93)", levels) == []  # a département hint decides
    assert ref.lookup("Saint-Denis (93)", levels=levels)[0].code == "93066"
    assert ref.homonyms("93066", levels) == [] and ref.homonyms("Caen", levels) == []
    assert ref.lookup("Cherbourg", levels=levels)[0].code == "50129"  # a short form, as data


def test_short_forms_file_is_checked(tmp_path) -> None:
    from graph.territories import short_forms
    from ingest.errors import ConfigError

    bad = tmp_path / "territory_aliases.toml"
    bad.write_text('[aliases]\n"Cherbourg" = "Cherbourg-en-Cotentin"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="INSEE"):
        short_forms(bad)


def test_region_abbreviations_are_data_and_the_referential_lists_its_names(
    ref: Referential, tmp_path
) -> None:
    from graph.territories import abbreviations
    from ingest.errors import ConfigError

    assert ids(ref.lookup("BFC")) == ["region:27"]
    assert ids(ref.lookup("PDL", levels=("region", "departement"))) == ["region:52"]
    names = ref.other_names()
    assert ("BFC", "region:27", "abréviation") in names
    assert ("Cherbourg", "commune:50129", "usage") in names
    communes = ref.communes()
    assert len(communes) > 30_000 and all(t.level == "commune" for t in communes)
    bad = tmp_path / "territory_aliases.toml"
    bad.write_text('[abbreviations]\n"XYZ" = "27"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="identifiant de région"):
        abbreviations(bad)
