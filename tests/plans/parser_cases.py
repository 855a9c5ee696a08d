"""The parser cases these documents are for, NOT collected by pytest (the file name does not start with
``test_``): the lead wires them once the layout-aware parser of issue 9 exists, e.g.

    @pytest.mark.parametrize("name, plan", parser_cases.cases())
    def test_parser_on_generated_plans(docs, name, plan):
        actions = [as_dict(a) for a in parse_document(docs[name]).actions]
        result = scoring.score(actions, documents.expected()["plans"][plan])
        assert result.units.recall >= ... and result.units.precision >= ...

``as_dict`` maps a parsed action to {"ref", "title", "pilots", "partners", "territories", "budget",
"status", "priority"}. Documents with ``error = true`` (the headerless spreadsheet) must be refused with a
clear error instead; the corpus re-renders compare with the corpus counts (``units``) and with the titles
that ``corpus.read_fiche_tables`` / ``corpus.read_propositions`` read from the corpus.
"""

from __future__ import annotations

from . import documents


def cases() -> list[tuple[str, str]]:
    """(document name, plan key) for every invented document with a plan to score against."""
    docs = documents.expected()["documents"]
    return [(name, doc["plan"]) for name, doc in docs.items() if doc.get("plan") and not doc.get("error")]


def error_cases() -> list[str]:
    return [name for name, doc in documents.expected()["documents"].items() if doc.get("error")]


def corpus_cases() -> list[tuple[str, str, int]]:
    """(document name, corpus file, expected unit count) for the corpus re-renders."""
    docs = documents.expected()["documents"]
    return [(n, d["corpus_source"], d["units"]) for n, d in docs.items() if d.get("corpus_source")]
