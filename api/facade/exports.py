"""Exports and SPARQL: the knowledge base for analysts."""

from __future__ import annotations

import logging
from typing import IO, Any, BinaryIO

from api.errors import Busy
from graph.actions_export import iter_rows, write_jsonl
from graph.exports import EXPORTS, Export, ExportSource, export_format
from graph.sparql import sparql

log = logging.getLogger(__name__)


class ExportFacade:
    """Mixed into :class:`api.service.Service`, whose state (settings, store, knowledge, answers) it uses."""

    def export_rows(self):
        return iter_rows(self.store, self.referential, self.knowledge.graph)

    def export_actions(self, out: IO[str]) -> int:
        """The JSON Lines of every action, to a text stream (the rows of the ``actions`` export)."""
        return write_jsonl(self.export_rows(), out)

    def exports(self) -> dict[str, Any]:
        """The export formats, for the web page and /exports."""
        return {
            "items": [
                {
                    "name": e.name,
                    "media_type": e.media_type,
                    "suffix": e.suffix,
                    "description": e.description,
                    "url": f"/export/{e.name}",
                }
                for e in EXPORTS.values()
            ]
        }

    def export(
        self, fmt: str, out: BinaryIO, *, territory: str | None = None, theme: str | None = None
    ) -> Export:
        """Write the knowledge base (or its part on a territory and/or theme) in one of :data:`EXPORTS`."""
        export = export_format(fmt)
        kb = self.knowledge
        territories = None
        if territory:
            place = kb.queries.place(territory)
            territories = kb.queries.below(place) | set(kb.queries.above(place))
        themes = {theme if theme.startswith("theme:") else f"theme:{theme}"} if theme else None
        source = ExportSource(
            kb.graph,
            lambda: kb.rdf,
            self.export_rows,
            kb.reference.ontology,
            territories=territories,
            themes=themes,
        )
        export.write(source, out)
        return export

    def export_graph(self, fmt: str, out: BinaryIO, **filters: str | None) -> None:
        self.export(fmt, out, **filters)

    def sparql(self, query: str) -> dict[str, Any]:
        """A read-only SPARQL query; at most ``sparql_concurrency`` run at once (each forks a process), the
        others are refused at once (Busy: 503 with Retry-After) rather than queued behind them."""
        if not self._sparql_slots.acquire(blocking=False):
            raise Busy(
                f"{self.settings.sparql_concurrency} requêtes SPARQL tournent déjà",
                where="query",
                valid="retry in a moment (QFQ_SPARQL_CONCURRENCY)",
                retry_after=max(1, round(self.settings.sparql_timeout)),
            )
        try:
            rdf = self.knowledge.rdf
            s = self.settings
            return sparql(
                rdf, query, timeout=s.sparql_timeout, limit=s.sparql_limit, nice=s.sparql_nice,
                wall=s.sparql_wall_timeout,
            )  # fmt: skip
        finally:
            self._sparql_slots.release()
