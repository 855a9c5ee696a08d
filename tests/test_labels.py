"""The label lexicon (ingest/data/labels.toml through ingest/labels.py): labels as written to their field,
status and priority values normalised, every label the corpus shapes read present, no label in code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest import labels
from ingest.errors import InputError
from ingest.labels import default_lexicon, label_key, load_lexicon
from ingest.shapes import fiche
from tests.plans.render_sheets import TEMPLATE, UNMAPPED

LEX = default_lexicon()

# The platform template of plan-structures.md, column by column: the field each header names.
TEMPLATE_FIELDS = [
    "axe",
    "sous_axe",
    "sous_sous_axe",
    "title",
    "sub_title",
    "description",
    "governance",
    "objectives",
    "indicators",
    "pilots",
    "means",
    "partners",
    "pilot_service",
    "pilot_person",
    "elected",
    "participation",
    "financing",
    "funders",
    "amount",
    "funders",
    "amount",
    "funders",
    "amount",
    "budget",
    "status",
    "priority",
    "start_date",
    "end_date",
]


def test_every_template_column_names_its_field():
    assert len(TEMPLATE) == len(TEMPLATE_FIELDS)
    assert [LEX.match(h) for h in TEMPLATE] == TEMPLATE_FIELDS
    assert LEX.match(UNMAPPED) is None


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("PILOTE DU PROJET :", "pilots"),  # case, trailing colon
        ("Périmètre géographique", "perimeter"),
        ("perimetre geographique", "perimeter"),  # accents
        ("Territoire(s) concerné(s)", "perimeter"),  # parenthesised plural
        ("Partenaire", "partners"),  # singular of a plural label
        ("Indicateur lié", "indicators"),
        ("Élu·e·s référent·e·s", "elected"),  # inclusive forms
        ("Élu.e référent.e", "elected"),
        ("Axe (x)", "axe"),
        ("Sous-sous axe (x.x.x)", "sous_sous_axe"),
        ("Financeur 3", "funders"),  # numbering
        ("Montant € HT", "amount"),
        ("Etape 2 Mise en œuvre", "steps"),
        ("Description détaillée du projet (contexte, objectifs)", "description"),
        ("Statut de l'action en 2025", "status"),  # a longer label starting with a known one
        ("<b>Pilote du projet</b>", "pilots"),  # markup as in the corpus
        ("Publics cibles", "public"),
        ("Vecteur juridique", "legal_vector"),
        ("Impact budgétaire", "budget_impact"),
        ("Clés pour réussir", "keys_to_success"),
        ("code INSEE", "insee"),
        ("SIREN de l'EPCI", "siren"),
    ],
)
def test_written_labels_match_their_field(written, key):
    assert LEX.match(written) == key


@pytest.mark.parametrize(
    "value",
    [
        "Fiche action n° 1.2 : Créer une plateforme",  # a numbered heading, not a label
        "Le guichet informe gratuitement les ménages et réalise une visite du logement à domicile",
        "1 Un habitat sobre et rénové",
        "Commentaire interne",
        "",
    ],
)
def test_values_and_unknown_labels_match_nothing(value):
    assert LEX.match(value) is None


def test_label_key_folds_what_the_lexicon_tolerates():
    assert label_key("Élu·e référent·e :") == "elu referent"
    assert label_key("Budget prévisionnel total € HT") == "budget previsionnel total"
    assert label_key("Titre de l’action") == label_key("titre de l'action")


def test_the_labels_the_corpus_shapes_read_are_in_the_lexicon():
    """Every variant of fiche.LABELS, and the blurb and booklet labels, names a field of the lexicon."""
    missing = [v for variants in fiche.LABELS.values() for v in variants if LEX.match(v) is None]
    assert not missing
    for written in ("Pilote", "Pilotes", "CONTACTS", "CLÉS POUR RÉUSSIR", "CLÉS DE LA RÉUSSITE"):
        assert LEX.match(written) is not None, written
    # same field where the shapes agree on what a label means
    for written, key in [("Pilote du projet", "pilots"), ("Autres parties prenantes", "partners")]:
        assert LEX.match(written) == key


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("En cours", "en cours"),
        ("EN COURS DE RÉALISATION", "en cours"),
        ("à poursuivre", "en cours"),
        ("À initier", "à venir"),
        ("Programmée", "à venir"),
        ("Terminée", "réalisé"),
        ("Réalisé en 2024", "réalisé"),
        ("En pause", "en pause"),
        ("Abandonné", "abandonné"),
        ("n'importe quoi", None),
    ],
)
def test_status_values_are_normalised(written, status):
    assert LEX.status(written) == status


@pytest.mark.parametrize(
    ("written", "priority"),
    [
        ("Élevée", "élevée"),
        ("P1", "élevée"),
        ("***", "élevée"),
        ("Priorité 2", "moyenne"),
        ("**", "moyenne"),
        ("faible", "basse"),
        ("Secondaire", "basse"),
        ("urgente ?", None),
    ],
)
def test_priority_values_are_normalised(written, priority):
    assert LEX.priority(written) == priority


def test_a_lexicon_file_replaces_the_packaged_one(tmp_path: Path):
    path = tmp_path / "labels.toml"
    path.write_text(
        '[fields.pilots]\nrecord = "pilots"\nlabels = ["animateur"]\n[status]\n"en cours" = ["actif"]\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(path)
    assert lexicon.match("Animateurs") == "pilots"
    assert lexicon.match("Pilote") is None
    assert lexicon.status("Actif") == "en cours"


def test_a_bad_lexicon_file_says_where_and_what(tmp_path: Path):
    bad = tmp_path / "labels.toml"
    bad.write_text("[fields.pilots\n", encoding="utf-8")
    with pytest.raises(InputError, match="pas du TOML valide") as caught:
        load_lexicon(bad)
    assert caught.value.where == str(bad)
    no_labels = tmp_path / "nolabels.toml"
    no_labels.write_text('[fields.pilots]\nrecord = "pilots"\n', encoding="utf-8")
    with pytest.raises(InputError, match="lexique des libellés invalide"):
        load_lexicon(no_labels)


def test_no_label_is_written_in_the_code():
    source = Path(labels.__file__).read_text(encoding="utf-8")
    strings = {fold for fold in re.findall(r"\"([^\"\n]{4,})\"", source)}
    written = {label for spec in LEX.fields.values() for label in spec.labels if len(label) >= 4}
    assert not strings & written
