"""Actions and passages of documents."""

from __future__ import annotations

import logging
from typing import Any

from graph.actions_export import action_row
from graph.filters import Filters
from ingest.errors import InputError

log = logging.getLogger(__name__)


class ActionFacade:
    """Mixed into :class:`api.service.Service`, whose state (settings, store, knowledge, answers) it uses."""

    def list_actions(self, *, limit: int = 50, offset: int = 0, q: str | None = None, **filters: Any) -> dict:
        """Actions, filtered (territory with containment, theme, public, dispositif, actor, document, words:
        the fields of :class:`graph.filters.Filters`), a page of them."""
        most = self.settings.page_limit_max
        if not 1 <= limit <= most:
            raise InputError(f"page size {limit}", where="limit", valid=f"1 to {most} (QFQ_PAGE_LIMIT_MAX)")
        found = Filters(words=q, **filters).actions(self.knowledge.queries)
        page = found[offset : offset + limit]
        return {
            "total": len(found),
            "limit": limit,
            "offset": offset,
            "items": [self.get_action(x["id"].removeprefix("action:")) for x in page],
        }

    def get_action(self, action_id: str) -> dict[str, Any]:
        row = action_row(self.store, self.referential, self.knowledge.graph, action_id)
        p = row.provenance
        p.source = f"/documents/{p.doc}/passage?start={p.line_start}&end={p.line_end}"
        return row.model_dump(mode="json")

    def passage(self, doc_id: str, start: int, end: int | None = None, context: int = 3) -> dict[str, Any]:
        return self.store.passage(doc_id, start, end or start, context)
