"""Pydantic models of the HTTP bodies: what each route returns, with descriptions and examples for OpenAPI.

Every answer is typed completely and extra fields are refused (``Body``): a field the facade adds without its
model fails the tests that validate real answers (tests/test_models.py), so the body the route serves — and
the CLI prints with --json, through the same serialisation (``api/answers.py``) — is the one documented here.
``ActionRow`` is the graph's own model of an action (graph/actions_export.py), the one `qfq export actions`
writes: the HTTP body and the export are one shape.

One module per area; this package re-exports every model, so `from api.models import X` keeps working
and a model added to an area module is exported without touching this file."""

from api.models.actions import *  # noqa: F403
from api.models.base import *  # noqa: F403
from api.models.coverage import *  # noqa: F403
from api.models.documents import *  # noqa: F403
from api.models.graph import *  # noqa: F403
from api.models.match import *  # noqa: F403
from api.models.reference import *  # noqa: F403
from api.models.search import *  # noqa: F403
from api.models.sparql import *  # noqa: F403
from api.models.who import *  # noqa: F403
