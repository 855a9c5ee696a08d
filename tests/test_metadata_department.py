"""The département and the kind of a plan from its opening: « Département de l'X » anywhere in the opening,
and an issuer that is a département's council (« Conseil départemental du Gers », « Conseil départemental de
la Haute-Garonne ») even when the text never writes « département de »; a regional plan that names a
département's council as a partner in its opening keeps no département."""

from __future__ import annotations

import pytest

from ingest.metadata import describe
from ingest.records import DocumentRecord


def _described(opening: str) -> DocumentRecord:
    doc = DocumentRecord(id="plan", path="plan.md", sha256="0", format="md")
    describe(doc, opening.splitlines(), [])
    return doc


@pytest.mark.parametrize(
    ("opening", "department"),
    [
        ("Conseil départemental du Gers\nPacte territorial pour l'insertion et l'emploi 2024-2027", "Gers"),
        (
            "Conseil départemental de la Haute-Garonne\nProgramme départemental d'insertion 2025-2029",
            "Haute-Garonne",
        ),
        ("Le Département de l'Eure et ses partenaires\nPacte territorial pour l'insertion", "Eure"),
        (
            "Programme départemental d'insertion\nAdopté par le Département d’Indre-et-Loire en 2025",
            "Indre-et-Loire",
        ),
        ("Région Occitanie\nPlan régional d'actions\nEn lien avec le Conseil départemental du Lot", None),
    ],
)
def test_the_department_of_a_plan(opening: str, department: str | None) -> None:
    assert _described(opening).department == department


@pytest.mark.parametrize(
    ("opening", "kind"),
    [
        ("Programme local pour l'insertion et l'emploi du Pays Basque\nPlan d'actions 2025", "PLIE"),
        ("Communauté de communes du Val d'Adour\nPlan d'actions emploi 2025-2027", "plan d'actions"),
        ("PRÉFET DE LA RÉGION BRETAGNE\nPlan régional d'actions pour l'emploi", "plan régional d'actions"),
        (
            "Conseil départemental du Cantal\nPlan départemental d'actions pour l'insertion",
            "plan départemental",
        ),
    ],
)
def test_the_kind_of_a_plan_says_no_level_it_does_not_state(opening: str, kind: str) -> None:
    """A « plan d'actions » of an agglomération is no « plan régional » (its kind would make its partner « le
    Département » the région's); a PLIE is named as such."""
    assert (_described(opening).kind or "").startswith(kind)
