"""Coverage, vocabularies, territories, graph neighbourhoods."""

from __future__ import annotations

import logging
from typing import Any

from api.lookups import territory_hits

log = logging.getLogger(__name__)


class ReferenceFacade:
    """Mixed into :class:`api.service.Service`, whose state (settings, store, knowledge, answers) it uses."""

    def coverage(
        self, theme: str, *, level: str = "departement", within: str | None = None
    ) -> dict[str, Any]:
        return self.knowledge.queries.coverage(theme, level=level, within=within)

    def vocabulary(self) -> dict[str, Any]:
        from graph.match import vocabulary

        return vocabulary(self.reference.vocabularies, self.reference.profile)

    def territories(self, q: str, limit: int = 10) -> dict[str, Any]:
        return territory_hits(self.referential, q, limit)

    def neighbourhood(self, node: str, limit: int = 40) -> dict[str, Any]:
        return self.knowledge.queries.neighbourhood(node, limit)
