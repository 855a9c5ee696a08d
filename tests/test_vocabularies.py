"""Publics and themes: the SKOS file, the lookup API and the evidence-carrying classifier.

Corpus expectations were decided by reading the actions' text, not from the classifier's output.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from graph import vocabularies as voc
from graph.errors import NotFound
from graph.profile import ProfileTerms
from ingest import parse_document
from ingest.errors import InputError
from ingest.records import ActionRecord, Provenance

V = voc.load()  # the packaged vocabularies

# Profile vocabulary of `match` (DESIGN.md, "Interface"): every slug must exist.
STATUSES = [
    "demandeur_emploi",
    "demandeur_emploi_longue_duree",
    "beneficiaire_rsa",
    "travailleur_handicape",
    "sans_emploi_ni_formation",
    "apprenti",
    "etudiant",
    "salarie",
    "parent_isole",
    "residant_qpv",
    "residant_zrr",
    "senior",
]
NEEDS = [
    "emploi",
    "formation",
    "apprentissage",
    "mobilite",
    "logement",
    "garde_enfants",
    "sante",
    "creation_activite",
]
DESIGN = Path(__file__).resolve().parents[1].parent / "shared" / "DESIGN.md"
QFQ = rdflib.Namespace(voc.QFQ)


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(voc.DATA_FILE, format="turtle")
    return g


@pytest.fixture(scope="module")
def actions(corpus_dir: Path) -> dict[str, list[ActionRecord]]:
    return {p.name[:3]: parse_document(p).actions for p in sorted(corpus_dir.glob("*.txt"))}


def find(
    actions: dict[str, list[ActionRecord]], doc: str, *, ref: str | None = None, title: str | None = None
) -> ActionRecord:
    for a in actions[doc]:
        if (ref is None or a.ref == ref) and (title is None or title.lower() in a.title.lower()):
            return a
    raise AssertionError(f"no action {ref or title!r} in document {doc}")


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings(v)]
    return []


def slugs(action: ActionRecord, scheme: str) -> set[str]:
    return {a.slug for a in V.classify_action(action) if a.scheme == scheme}


# --- the vocabulary file ---------------------------------------------------------------------


def test_ttl_parses_into_two_skos_schemes(graph: rdflib.Graph) -> None:
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert schemes == {rdflib.URIRef(f"{voc.BASE}{s}/") for s in voc.SCHEMES}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        assert graph.value(concept, SKOS.inScheme) in schemes, concept
        for prop in (SKOS.prefLabel, SKOS.definition):
            assert any(v.language == "fr" for v in graph.objects(concept, prop)), (concept, prop)
        assert str(graph.value(concept, SKOS.notation)) == str(concept).rsplit("/", 1)[-1]


def test_slugs_unique_ascii_and_sizes() -> None:
    all_slugs = [c.slug for c in V.concepts()]
    assert len(all_slugs) == len(set(all_slugs))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", s) for s in all_slugs)
    assert 18 <= len(V.concepts("public")) <= 30
    assert 15 <= len(V.concepts("theme")) <= 25
    for c in V.concepts():
        assert c.label and c.definition and (c.keywords or c.patterns), c.slug
        assert c.id == f"{c.scheme}:{c.slug}" and c.uri.endswith(f"/{c.scheme}/{c.slug}")


def test_profile_statuses_and_needs_exist() -> None:
    publics = {c.slug: c for c in V.concepts("public")}
    for status in STATUSES:
        assert status in publics, status
        assert publics[status].profile_status, status
    assert {c.slug for c in V.concepts("public") if c.profile_status} == set(STATUSES)
    assert {c.need for c in V.concepts("theme") if c.need} == set(NEEDS)
    assert V.get("mobilite").need == "mobilite" and V.get("garde_enfants").need == "garde_enfants"


@pytest.mark.skipif(not DESIGN.is_file(), reason="DESIGN.md not beside the repository")
def test_profile_vocabulary_matches_design_md() -> None:
    text = " ".join(DESIGN.read_text(encoding="utf-8").split())
    m = re.search(r"statuses (.+?); needs (.+?)\. ", text)
    assert m, "profile vocabulary paragraph not found in DESIGN.md"
    assert re.findall(r"`(\w+)`", m.group(1)) == STATUSES
    assert re.findall(r"`(\w+)`", m.group(2)) == NEEDS == list(ProfileTerms.load().needs)


def test_hierarchy_and_lookup() -> None:
    assert V.get("public:demandeur_emploi_longue_duree").broader == ("demandeur_emploi",)
    assert V.ancestors("dechets") == ["transition_ecologique"]
    assert set(V.ancestors("renovation_energetique")) == {"transition_ecologique"}
    with pytest.raises(NotFound):
        V.get("licorne")
    with pytest.raises(InputError):
        V.concepts("licorne")


# --- the classifier on small inputs ----------------------------------------------------------


def test_accent_case_and_plural_tolerance() -> None:
    title = "ACCOMPAGNER LES SÉNIORS"
    result = V.classify(title, "Un atelier pour les demandeurs d’emploi âgés.")
    senior = next(a for a in result if a.slug == "senior")
    start = title.index("SÉNIORS")
    assert senior.evidence[0] == voc.Evidence("SÉNIORS", start, start + 7, "title")
    assert senior.evidence[1].surface == "demandeurs d’emploi âgés"


def test_names_and_national_programme_do_not_make_themes() -> None:
    assert V.classify("Réunion d'information", "Pôle emploi accueille les participants. Pôle Emploi.") == []
    text = (
        "Dans le cadre du plan de mobilisation pour l'emploi et la transition écologique, "
        "une réunion est organisée."
    )
    assert not {a.slug for a in V.classify("Réunion", text)} & {"transition_ecologique", "acces_emploi"}


def test_ambiguous_words_are_not_publics() -> None:
    text = (
        "Le taux de chômage reste élevé ; les jeunes enfants sont accueillis ; "
        "les entreprises de plus de 50 salariés négocient."
    )
    result = V.classify("Constat", text)
    assert not {a.slug for a in result} & {"etudiant", "jeune", "salarie"}
    strong = {a.slug for a in result if not a.weak}
    assert "garde_enfants" not in strong  # one body hit is not enough for a theme


def test_theme_thresholds() -> None:
    one = V.classify("Constat", "Il existe un frein de mobilité. Le recrutement est difficile.")
    assert {a.slug for a in one if not a.weak} == set()  # fallback only, flagged weak
    assert all(a.weak for a in one if a.scheme == "theme")
    two = V.classify("Constat", "La mobilité est un frein ; le permis de conduire coûte cher.")
    assert "mobilite" in {a.slug for a in two if not a.weak}
    chapter = V.classify("Plateforme", "Un outil de covoiturage.", chapter="Mobilité")
    assert "mobilite" in {a.slug for a in chapter if not a.weak}


# --- the real corpus -------------------------------------------------------------------------

EXPECTED = [  # (doc, ref, title fragment, publics that must be found, themes that must be found)
    ("000", "Proposition 2-1", None, {"senior"}, {"acces_emploi"}),
    ("000", "Proposition 3-1", None, {"famille"}, {"garde_enfants"}),
    ("000", "Proposition 3-2", None, {"femme", "parent_isole"}, {"garde_enfants", "egalite_femmes_hommes"}),
    ("000", "Proposition 1-2", None, {"demandeur_emploi", "apprenti"}, {"logement_hebergement", "mobilite"}),
    ("000", "Proposition 5-4", None, set(), {"competences"}),
    ("000", "Proposition 6-1", None, set(), {"alimentation_durable", "dechets"}),
    ("000", "Proposition 7-1", None, {"particulier"}, {"renovation_energetique", "transition_ecologique"}),
    ("001", None, "Macigogne", {"demandeur_emploi"}, {"garde_enfants"}),
    ("001", None, "CARBUR", {"personne_en_insertion"}, {"mobilite"}),
    ("001", None, "Café-emploi", {"residant_qpv"}, {"acces_emploi"}),
    ("002", "1.2", None, {"jeune", "residant_qpv"}, {"apprentissage_alternance"}),
    ("002", "3.2", None, {"demandeur_emploi", "habitant_rural"}, {"garde_enfants"}),
    ("002", "5.3", None, {"saisonnier"}, {"logement_hebergement"}),
    ("002", "7.4", None, set(), {"dechets", "transition_ecologique"}),
    ("003", None, "BOETH", {"travailleur_handicape"}, {"handicap"}),
    ("004", "Fiche 2", None, set(), {"sante"}),
    ("004", "Fiche 8", None, {"beneficiaire_rsa"}, {"acces_emploi"}),
    ("004", "Fiche 9", None, set(), {"insertion_activite_economique"}),
]

FORBIDDEN = [  # (doc, ref, title fragment, concepts the text does not support)
    ("000", "Proposition 5-4", None, {"mobilite"}),  # "mobilité professionnelle" is a career move
    ("000", "Proposition 7-1", None, {"logement_hebergement"}),  # renovating a home is not housing need
    ("000", "Proposition 7-4", None, {"logement_hebergement"}),
    ("001", None, "CARBUR", {"apprentissage_alternance"}),  # "apprentissage des transports en commun"
    ("002", "1.2", None, {"transition_ecologique"}),  # only the national mobilisation's name
    ("002", "5.3", None, {"transition_ecologique"}),
    ("002", "6.1", None, {"mobilite"}),  # maritime transport pollution, not mobility to work
]


@pytest.mark.parametrize(("doc", "ref", "title", "publics", "themes"), EXPECTED)
def test_corpus_expectations(
    actions: dict, doc: str, ref: str | None, title: str | None, publics: set[str], themes: set[str]
) -> None:
    action = find(actions, doc, ref=ref, title=title)
    assert publics <= slugs(action, "public"), action.title
    assert themes <= slugs(action, "theme"), action.title
    assert V.classify_action(action.to_dict()) == V.classify_action(action)  # record or its dict form


@pytest.mark.parametrize(("doc", "ref", "title", "absent"), FORBIDDEN)
def test_corpus_false_positives(
    actions: dict, doc: str, ref: str | None, title: str | None, absent: set[str]
) -> None:
    action = find(actions, doc, ref=ref, title=title)
    assert not absent & (slugs(action, "public") | slugs(action, "theme")), action.title


def test_every_action_has_a_theme_and_exact_evidence(actions: dict) -> None:
    for doc_actions in actions.values():
        for action in doc_actions:
            text = voc.action_text(action)
            fields = {"title": action.title, "chapter": action.chapter or "", "text": text}
            assignments = V.classify_action(action)
            assert any(a.scheme == "theme" for a in assignments), action.title
            record_text = "\n".join(strings(action.to_dict()))
            for a in assignments:
                assert a.evidence and a.score > 0, (action.title, a.slug)
                for e in a.evidence:
                    assert fields[e.field][e.start : e.end] == e.surface
                    assert e.surface in record_text, (action.title, a.slug, e.surface)


@pytest.mark.parametrize(
    "text",
    [
        "Élève `cité` d’emploi — œuvre",
        "plain ascii",
        "",
        "e\u0301te\u0301 co\u00adop",
        "Straße Æsop 😀 n°5",
        "garçon – 5\u00a0000 €",
        "mobilité",
    ],
)
def test_fold_maps_every_folded_character_back_to_its_source(text: str) -> None:
    from ingest.text import fold_with_offsets as fold

    folded, offsets = fold(text)
    assert len(offsets) == len(folded) + 1 and offsets[-1] == len(text)
    assert offsets == sorted(offsets)
    # each source character's folded form is the run of folded characters that map back to it
    runs: dict[int, str] = {}
    for ch, source in zip(folded, offsets, strict=False):
        runs[source] = runs.get(source, "") + ch
    assert "".join(runs.get(i, "") for i in range(len(text))) == folded
    for i, ch in enumerate(text):
        expected = fold(ch)[0]
        assert runs.get(i, "") == expected, (i, ch)


# ---------------------------------------------------------------- data·inclusion referentials


def _di_values(*enums: str) -> set[str]:
    from data_inclusion.schema import v1

    return {m.value for name in enums for m in getattr(v1, name)}


def test_data_inclusion_values_come_from_the_package() -> None:
    publics, themes = _di_values("Public"), _di_values("Categorie", "Thematique")
    for c in V.concepts("public"):
        assert c.data_inclusion is None or c.data_inclusion in publics, c.slug
    for c in V.concepts("theme"):
        assert c.data_inclusion is None or c.data_inclusion in themes, c.slug


def test_alignments_are_skos_and_cover_the_profile_vocabulary() -> None:
    g = voc.load_alignments()
    matches = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)
    pub, th = (
        rdflib.Namespace("https://qfq.example.org/public/"),
        rdflib.Namespace("https://qfq.example.org/theme/"),
    )
    for status in STATUSES:
        targets = {str(o).rsplit("/", 1)[1] for p in matches for o in g.objects(pub[status], p)}
        assert targets, status
        closest = V.get(f"public:{status}").data_inclusion
        assert closest is None or closest in targets, status  # agrees with qfq:dataInclusion
    for c in V.concepts("theme"):
        if c.need:
            assert any(g.objects(th[c.slug], p) for p in matches), c.slug
    assert (
        pub.demandeur_emploi,
        SKOS.exactMatch,
        rdflib.URIRef(voc.DI_BASE + "publics/demandeurs-emploi"),
    ) in g
    # the réseaux porteurs and types of services of the dispositifs are package values too
    disp = rdflib.Namespace("https://qfq.example.org/dispositif/")
    reseaux = {str(o).rsplit("/", 1)[1] for o in g.objects(disp.visale, rdflib.namespace.DCTERMS.contributor)}
    assert reseaux == {"action-logement"} and reseaux <= _di_values("ReseauPorteur")


def test_an_unknown_data_inclusion_value_is_an_error(tmp_path: Path) -> None:
    from ingest.errors import ConfigError

    bad = tmp_path / "data_inclusion.ttl"
    bad.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"<https://qfq.example.org/public/jeune> skos:exactMatch <{voc.DI_BASE}publics/astronautes> .\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="astronautes") as err:
        voc.load_alignments(bad)
    assert "demandeurs-emploi" in err.value.valid


def test_alignments_are_exported_with_the_rdf_graph() -> None:
    import networkx as nx

    from graph.rdf import Ontology, to_rdf

    rdf = to_rdf(nx.MultiDiGraph(), Ontology.load(Path(voc.__file__).parent / "data" / "qfq.ttl"))
    pub = rdflib.Namespace("https://qfq.example.org/public/")
    assert (pub.jeune, SKOS.exactMatch, rdflib.URIRef(voc.DI_BASE + "publics/jeunes")) in rdf


def test_the_row_that_names_the_public_gives_the_public_and_no_theme() -> None:
    """A fiche's « Public visé » row (kept by ingest among its extra fields) says who the action is for: it
    gives the public, with its words as evidence; the same words under a label that is not the public's, or
    the themes, are not read from it."""

    def action(extra: dict[str, str]) -> ActionRecord:
        return ActionRecord(
            doc="essai",
            ref="Action 1",
            title="Un atelier de réparation de vélos",
            shape="outline",
            provenance=Provenance("essai", 1, 4, "Action 1 : Un atelier de réparation de vélos"),
            description="Un atelier ouvert deux fois par semaine dans un local associatif.",
            extra=extra,
        )

    with_row = action({"Public visé": "demandeurs d'emploi sans permis de conduire"})
    assignments = [a for a in V.classify_action(with_row) if a.slug == "demandeur_emploi"]
    assert assignments and "demandeurs d'emploi" in {e.surface.lower() for e in assignments[0].evidence}
    assert "demandeur_emploi" not in slugs(action({"Couleur du dossier": "demandeurs d'emploi"}), "public")
    assert "demandeur_emploi" not in slugs(action({}), "public")
    assert slugs(with_row, "theme") == slugs(action({}), "theme")
