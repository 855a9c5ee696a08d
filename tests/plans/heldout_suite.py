"""The tests every held-out set's module shares, made for one set: the module-scoped ``parsed`` fixture
(its documents built and parsed once), each document's units, hierarchy and passages, the expectations'
consistency and the set's fields. A test module binds them to its own names:

    parsed, test_units_hierarchy_and_passages, test_expectations_and_set_fields = suite(heldout12, FIELDS)
"""

from __future__ import annotations

import pytest

from .heldout_checks import check_document, check_expectations, check_set_fields, parse_all


def suite(module, set_fields: dict[str, tuple[float, float]]) -> tuple:
    expected, names = module.expected(), sorted(module.SPECS)

    @pytest.fixture(scope="module")
    def parsed(tmp_path_factory) -> dict[str, object]:
        return parse_all(module, tmp_path_factory.mktemp(module.SET.name))

    @pytest.mark.parametrize("name", names)
    def test_units_hierarchy_and_passages(parsed, name: str) -> None:
        check_document(expected, name, parsed[name])

    def test_expectations_and_set_fields(parsed) -> None:
        check_expectations(expected, names)  # every document has expectations, as many titles as units
        check_set_fields(expected, parsed, set_fields)

    return parsed, test_units_hierarchy_and_passages, test_expectations_and_set_fields
