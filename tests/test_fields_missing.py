"""A field a sentence fills is not reported missing: a fiche with no « Pilote : » row whose description says
« pilotée par le Conseil départemental, en lien avec France Travail » has a pilot and a partner, in the ingest
report, in `/actions/{id}` and in the export; a field neither a row nor a sentence gives stays missing."""

from __future__ import annotations

from pathlib import Path

from api.service import Service
from api.settings import Settings
from graph.reference import ReferenceData

PLAN = """# Plan départemental d'insertion de l'Ariège 2025-2028

## Axe 1 — L'emploi d'abord

### Fiche action 1.1 : Orientation rapide des nouveaux allocataires

**Description** : l'action est pilotée par le Conseil départemental, en lien avec France Travail. Des
permanences se tiennent chaque semaine à Pamiers.

**Calendrier** : 2025-2026.

### Fiche action 1.2 : Ateliers numériques

**Description** : des ateliers d'initiation au numérique pour les personnes en insertion.

**Calendrier** : 2026.
"""


def test_a_field_a_sentence_fills_is_not_missing(tmp_path: Path, reference: ReferenceData) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "pdi.md").write_text(PLAN, encoding="utf-8")
    svc = Service(Settings(data=tmp_path / "data", corpus=[corpus]), reference=reference)
    try:
        report = svc.build()
        (doc,) = report.documents
        assert doc.status == "ingested" and doc.actions == 2
        first, second = svc.store.actions(doc.doc_id)
        # the shape found no row for them; the sentence gave a pilot, a partner and a place
        assert {"pilots", "partners", "perimeter"} <= set(first.fields_missing)
        assert not {"pilots", "partners", "perimeter"} & set(first.missing)
        assert {"pilots", "partners", "perimeter"} <= set(second.missing)  # nothing names them
        assert doc.fields_missing["pilots"] == 1 and doc.fields_missing["perimeter"] == 1
        row = svc.get_action(first.id)  # what /actions/{id}, the page and the export show
        assert row["pilots"] and not {"pilots", "partners", "perimeter"} & set(row["fields_missing"])
        assert {"pilots", "partners", "perimeter"} <= set(svc.get_action(second.id)["fields_missing"])
    finally:
        svc.close()
