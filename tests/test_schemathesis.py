"""The contract is the schema: schemathesis generates requests for every operation of the app's OpenAPI and
checks each answer — no server error, the status and the body as the schema declares them, and never a path of
the server machine in a body. Bounded (``MAX_EXAMPLES`` per operation) so that CI runs it in a few minutes;
bench/reliability.py runs the same with ≥ 10,000 cases."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app  # noqa: E402
from api.settings import Settings  # noqa: E402

# the body of POST /sparql is the query text, sent as it is
schemathesis.serializer.alias("application/sparql-query", "text/plain")
MAX_EXAMPLES = int(os.environ.get("QFQ_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# what an answer must never hold: the roots of the machine's paths where the data and the corpus live
MACHINE_PATHS = ("/tmp/", "/work/", "/home/", "/root/", "/usr/")


def machine_paths(body: bytes, roots: list[str]) -> list[str]:
    """The machine paths (data directory, corpus, temporary roots) a response body holds."""
    text = body.decode("utf-8", "replace")
    return [root for root in roots if root and root in text]


def _operation_test(operation, roots: list[str], max_examples: int, counts: dict, failures: list[str]):
    """The hypothesis test of one operation: call, count, validate, look for machine paths."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    def run(case) -> None:
        counts["cases"] += 1
        response = case.call()
        if response.status_code >= 500:
            counts["server_errors"] += 1
        leaked = machine_paths(response.content, roots)
        if leaked:
            counts["paths"] += 1
            failures.append(f"{operation.label}: {leaked} in {response.content[:300]!r}")
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:  # a failed check, or a group of them
            counts["failures"] += 1
            failures.append(f"{operation.label}: {str(exc)[:600]}")

    return run


def fuzz(app, roots: list[str], max_examples: int) -> dict[str, int]:
    """Run schemathesis over every operation of ``app``; return the counts (cases, failures by kind)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    counts = {"cases": 0, "failures": 0, "paths": 0, "server_errors": 0}
    failures: list[str] = []
    for result in schema.get_all_operations():
        _operation_test(result.ok(), roots, max_examples, counts, failures)()
    counts["failure_texts"] = failures  # type: ignore[assignment]
    return counts


@pytest.fixture(scope="module")
def fuzzed_app(
    two_docs: Path, two_docs_data: Path, vector_cache: Path, tmp_path_factory: pytest.TempPathFactory
):
    """The app over a copy of the session's two-document store, indexed, its vectors in the session cache:
    the contract does not depend on the corpus's size, and nothing is encoded here but the fuzzed queries."""
    data = tmp_path_factory.mktemp("fuzzed") / "data"
    shutil.copytree(two_docs_data, data)
    settings = Settings(
        data=data, corpus=[two_docs], vector_cache=vector_cache, warm_up=False, upload_token="jeton"
    )
    return create_app(settings)


def test_schemathesis_finds_no_failure(fuzzed_app) -> None:
    settings = fuzzed_app.state.service.settings
    roots = [str(Path(settings.data).resolve()), *(str(p.resolve()) for p in settings.corpus)]
    counts = fuzz(fuzzed_app, roots + list(MACHINE_PATHS), MAX_EXAMPLES)
    assert counts["cases"] > 20 * MAX_EXAMPLES // 2
    assert counts["failure_texts"] == [], "\n".join(counts["failure_texts"][:20])
    assert counts["server_errors"] == 0 and counts["paths"] == 0
