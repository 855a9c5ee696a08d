"""Who does what where, and the actors."""

from __future__ import annotations

import logging
from typing import Any

from api.lookups import actor_list
from graph.who_queries import WhoQuery

log = logging.getLogger(__name__)


class WhoFacade:
    """Mixed into :class:`api.service.Service`, whose state (settings, store, knowledge, answers) it uses."""

    def who(self, query: WhoQuery | None = None, /, **fields: Any) -> dict[str, Any]:
        """Who does what where: a WhoQuery (from the route or the CLI), or its fields as keywords."""
        q = (query if query is not None else WhoQuery(**fields)).checked()
        return self._answer("who", lambda: self.knowledge.queries.who(q), *q.key())

    def actors(self, name: str | None = None) -> dict[str, Any]:
        """Actors with their kind, aliases, lineage and every resolution decision (the merge log)."""
        return actor_list(self.knowledge, name)
