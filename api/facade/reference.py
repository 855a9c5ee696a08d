"""Coverage, vocabularies, territories, graph neighbourhoods and the whole graph for the page."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from api.lookups import territory_hits
from graph.coverage_queries import CoverageQuery
from ingest.errors import InputError
from ingest.text import fold

log = logging.getLogger(__name__)
SCHEMES = {"theme": "thèmes", "public": "publics"}


def _key(text: str) -> str:
    return fold(text).strip().replace(" ", "_").replace("-", "_").replace("'", "_")


class ReferenceFacade:
    """Mixed into :class:`api.service.Service`, whose state (settings, store, knowledge, answers) it uses."""

    def coverage(self, query: CoverageQuery | str | None = None, /, **fields: Any) -> dict[str, Any]:
        """Coverage of a theme or of a dispositif (a slug, an id or a label; exactly one): a CoverageQuery
        (from the route or the CLI), or the theme and the other fields as keywords."""
        if isinstance(query, CoverageQuery):
            q = query
        else:
            q = CoverageQuery(theme=query, **fields) if query is not None else CoverageQuery(**fields)
        q = q.checked()
        queries = self.knowledge.queries
        if q.theme is not None:
            slug = self.theme_slug(q.theme)
            answer = queries.coverage(dataclasses.replace(q, theme=f"theme:{slug}"))
            answer["theme"] = slug
            answer["label"] = self.reference.vocabularies.get(slug).label
        else:
            node, label = self.dispositif_node(q.dispositif)
            answer = queries.coverage(dataclasses.replace(q, dispositif=node))
            answer["label"] = label
        return answer

    def theme_slug(self, theme: str) -> str:
        """The slug of a theme given by its slug, its id (theme:…) or its French label, accents or not."""
        concepts = self.reference.vocabularies.concepts("theme")
        wanted = _key(theme.removeprefix("theme:"))
        for c in concepts:
            if wanted in (c.slug, _key(c.label), *(_key(a) for a in c.alt_labels)):
                return c.slug
        raise InputError(
            f"thème inconnu {theme!r}",
            where="theme",
            valid=", ".join(c.slug for c in concepts) + " (voir qfq themes)",
        )

    def dispositif_node(self, dispositif: str) -> tuple[str, str]:
        """The node id and label of a dispositif of the thesaurus given by its id, slug or a label."""
        wanted = _key(dispositif.removeprefix("dispositif:"))
        items = list(self.reference.dispositifs)
        for d in items:
            keys = {_key(d.id.removeprefix("dispositif:")), _key(d.label), *(_key(a) for a in d.alt_labels)}
            if wanted in keys:
                return d.id, d.label
        raise InputError(
            f"dispositif inconnu {dispositif!r}",
            where="dispositif",
            valid=", ".join(d.id.removeprefix("dispositif:") for d in items) + " (voir /dispositifs)",
        )

    def concepts(self, scheme: str) -> dict[str, Any]:
        """The concepts of a vocabulary (theme or public) with their French labels and how many actions
        of the knowledge graph have each."""
        if scheme not in SCHEMES:
            raise InputError(f"vocabulaire inconnu {scheme!r}", where="scheme", valid=", ".join(SCHEMES))
        g = self.knowledge.graph
        items = []
        for c in self.reference.vocabularies.concepts(scheme):
            node = f"{scheme}:{c.slug}"
            count = sum(1 for _ in g.predecessors(node)) if node in g else 0
            items.append(
                {
                    "slug": c.slug,
                    "label": c.label,
                    "definition": c.definition or None,
                    "broader": list(c.broader),
                    "actions": count,
                }
            )
        return {"scheme": scheme, "label": SCHEMES[scheme], "items": items}

    def library(self) -> dict[str, Any]:
        """The documents of the knowledge base, named as a reader names them: title, issuer, year."""
        items = []
        for node, d in self.knowledge.graph.nodes(data=True):
            if d.get("type") != "document":
                continue
            start, end = d.get("period_start"), d.get("period_end")
            period = (f"{start}-{end}" if end and start != end else str(start)) if start else None
            issuer = d.get("issuer")
            extra = ", ".join(x for x in (issuer, period) if x)
            title = d.get("label") or d.get("file") or node
            items.append(
                {
                    "id": node.removeprefix("document:"),
                    "title": title,
                    "issuer": issuer,
                    "period": period,
                    "display": f"{title} ({extra})" if extra else title,
                }
            )
        return {"items": sorted(items, key=lambda x: x["id"])}

    def vocabulary(self) -> dict[str, Any]:
        from graph.match import vocabulary

        return vocabulary(
            self.reference.vocabularies, self.reference.profile, self.reference.dispositifs.facts
        )

    def territories(self, q: str, limit: int = 10) -> dict[str, Any]:
        return territory_hits(self.referential, q, limit)

    def neighbourhood(self, node: str, limit: int = 40) -> dict[str, Any]:
        return self.knowledge.queries.neighbourhood(node, limit)

    def whole_graph(
        self, *, types: list[str] | None = None, theme: str | None = None, where: str | None = None
    ) -> dict[str, Any]:
        node = f"theme:{self.theme_slug(theme)}" if theme else None
        return self.knowledge.queries.whole_graph(types=types, theme=node, where=where)
