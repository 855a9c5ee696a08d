"""The coverage of a theme across territories, and the neighbourhood of a graph node."""

from __future__ import annotations

from typing import Any

from graph.errors import NotFound
from graph.territories import Place
from ingest.errors import InputError


class CoverageQueries:
    """Mixed into :class:`graph.queries.Queries`: uses its graph, reference data and place helpers."""

    # -- coverage -----------------------------------------------------------------------------------------

    def coverage(
        self, theme: str, *, level: str = "departement", within: str | None = None
    ) -> dict[str, Any]:
        """For a theme, the territories of `level` with actions (counted, local or via a wider territory)
        and without."""
        if level not in ("region", "departement"):
            raise InputError(f"unknown level {level!r}", where="level", valid="region, departement")
        units = self.ref.regions() if level == "region" else self.ref.departements()
        if within:
            place = self.place(within)
            inside = set(self.ref.descendants(place.territory.id)) | {place.territory.id}
            units = [u for u in units if u.id in inside]
        acts = self.actions(theme=theme)
        rows = []
        for unit in units:
            place = Place(unit, f"territory:{unit.id}")
            down, up = self.below(place), self.above(place)
            local, wider = [], []
            for item in acts:
                targets = {dst for _, dst, e in self.g.out_edges(item["id"], data=True) if e["kind"] == "in"}
                if targets & down:
                    local.append(item["id"].removeprefix("action:"))
                elif targets & set(up):
                    wider.append(item["id"].removeprefix("action:"))
            rows.append(
                {
                    "territory": {"id": unit.id, "name": unit.name, "code": unit.code},
                    "local": local,
                    "wider": wider,
                }
            )
        return {
            "theme": theme,
            "level": level,
            "with": [r for r in rows if r["local"] or r["wider"]],
            "without": [r["territory"] for r in rows if not (r["local"] or r["wider"])],
        }

    def neighbourhood(self, node: str, limit: int = 40) -> dict[str, Any]:
        """A node and its neighbours (one step), for the small graph view."""
        g = self.g
        if node not in g:
            raise NotFound(
                f"no node {node!r}", where="node", valid="an id such as action:…, actor:…, territory:…"
            )
        edges = [(node, dst, e["kind"]) for _, dst, e in g.out_edges(node, data=True) if e["kind"] != "from"]
        edges += [(src, node, e["kind"]) for src, _, e in g.in_edges(node, data=True)]
        edges = edges[:limit]
        ids = {node} | {a for a, _, _ in edges} | {b for _, b, _ in edges}
        return {
            "center": node,
            "nodes": [
                {"id": n, "label": g.nodes[n].get("label", n), "type": g.nodes[n].get("type")} for n in ids
            ],
            "edges": [{"source": a, "target": b, "kind": k} for a, b, k in edges],
        }
