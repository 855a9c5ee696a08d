"""The coverage of a theme or a dispositif across territories, the neighbourhood of a graph node and the
whole graph laid out for the page's picture."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.errors import NotFound
from graph.territories import Place
from ingest.errors import InputError

GRAPH_TYPES = ("action", "actor", "territory", "dispositif", "public", "theme")
GRAPH_MAX_NODES = 1500  # the picture stays readable and the layout quick
LEVELS = ("region", "departement")


@dataclass(frozen=True)
class CoverageQuery:
    """One coverage question, as the HTTP route and the CLI pass it to the facade and the facade (with the
    theme and the dispositif resolved to node ids) to the queries: a theme or a dispositif (exactly one;
    slug, id or label), the level of the territories, and the territory they must lie in (with
    containment: the régions or départements inside it)."""

    theme: str | None = None
    dispositif: str | None = None
    level: str = "departement"
    within: str | None = None

    def checked(self) -> CoverageQuery:
        """The query itself when it is valid; else an InputError naming the parameter and what is valid."""
        if (self.theme is None) == (self.dispositif is None):
            raise InputError(
                "donnez un thème ou un dispositif (un seul)",
                where="theme, dispositif",
                valid="theme=… ou dispositif=…",
            )
        if self.level not in LEVELS:
            raise InputError(f"niveau inconnu {self.level!r}", where="level", valid=", ".join(LEVELS))
        return self

    def key(self) -> tuple[Any, ...]:
        """The query as a tuple (a cache key)."""
        return dataclasses.astuple(self)


class CoverageQueries:
    """Mixed into :class:`graph.queries.Queries`: uses its graph, reference data and place helpers."""

    # -- coverage -----------------------------------------------------------------------------------------

    def coverage(self, query: CoverageQuery | str | None = None, /, **fields: Any) -> dict[str, Any]:
        """For a theme or a dispositif (node ids, already resolved: a CoverageQuery, or the theme and the
        other fields as keywords), the territories of `level` with actions (local, or via a wider
        territory) and without. Territories without a population (uninhabited ones) are left out."""
        if isinstance(query, CoverageQuery):
            q = query
        else:
            q = CoverageQuery(theme=query, **fields) if query is not None else CoverageQuery(**fields)
        if q.level not in LEVELS:
            raise InputError(f"niveau inconnu {q.level!r}", where="level", valid=", ".join(LEVELS))
        theme, dispositif, level, within = q.theme, q.dispositif, q.level, q.within
        units = self.ref.regions() if level == "region" else self.ref.departements()
        units = [u for u in units if self.ref.population(u.id) > 0]
        if within:
            place = self.place(within)
            inside = set(self.ref.descendants(place.territory.id)) | {place.territory.id}
            units = [u for u in units if u.id in inside]
        acts = self.actions(theme=theme) if theme else self._mobilising(dispositif)
        rows = []
        for unit in units:
            place = Place(unit, f"territory:{unit.id}")
            down, up = self.below(place), set(self.above(place))
            local = [a["id"] for a in acts if not self._in[a["id"]].isdisjoint(down)]
            wider = [a["id"] for a in acts if a["id"] not in local and not self._in[a["id"]].isdisjoint(up)]
            territory = {"id": unit.id, "name": unit.name, "code": unit.code}
            if unit.parent:
                territory["region"] = unit.parent.removeprefix("region:")
            rows.append(
                {
                    "territory": territory,
                    "local": [i.removeprefix("action:") for i in local],
                    "wider": [i.removeprefix("action:") for i in wider],
                }
            )
        return {
            "theme": theme,
            "dispositif": dispositif,
            "level": level,
            "with": [r for r in rows if r["local"] or r["wider"]],
            "without": [r["territory"] for r in rows if not (r["local"] or r["wider"])],
            "titles": {a["id"].removeprefix("action:"): self.g.nodes[a["id"]].get("label", "") for a in acts},
        }

    def _mobilising(self, dispositif: str | None) -> list[dict[str, Any]]:
        if not dispositif or dispositif not in self.g:
            return []
        return [
            {"id": src}
            for src, _, e in self.g.in_edges(dispositif, data=True)
            if e["kind"] == "mobilises" and src in self._in
        ]

    def neighbourhood(self, node: str, limit: int = 40) -> dict[str, Any]:
        """A node and its neighbours (one step), for the small graph view."""
        g = self.g
        if node not in g:
            raise NotFound(
                f"aucun nœud {node!r}",
                where="node",
                valid="un identifiant comme action:…, actor:…, territory:…",
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

    def whole_graph(
        self,
        *,
        types: list[str] | None = None,
        theme: str | None = None,
        where: str | None = None,
        limit: int = GRAPH_MAX_NODES,
    ) -> dict[str, Any]:
        """The graph without its documents, laid out (positions in [-1, 1]) for the page: every node of
        `types`, or only the actions of a theme (node id) and/or on a territory with their neighbours."""
        kinds = set(types or GRAPH_TYPES)
        unknown = kinds - set(GRAPH_TYPES)
        if unknown:
            raise InputError(
                f"type de nœud inconnu {', '.join(sorted(unknown))}",
                where="types",
                valid=", ".join(GRAPH_TYPES),
            )
        g = self.g
        if theme or where:
            acts = [a["id"] for a in self.actions(theme=theme, where=where)]
            keep = set(acts) | {n for a in acts for n in nx.all_neighbors(g, a)}
        else:
            keep = set(g.nodes)
        nodes = sorted(n for n in keep if g.nodes[n].get("type") in kinds)
        nodes = sorted(nodes, key=lambda n: -g.degree(n))[:limit]
        simple = nx.Graph()
        simple.add_nodes_from(nodes)
        edges = [(a, b, e["kind"]) for a, b, e in g.subgraph(nodes).edges(data=True)]
        simple.add_edges_from((a, b) for a, b, _ in edges)
        pos = nx.spring_layout(simple, seed=7, k=1.5 / max(1, len(nodes)) ** 0.5) if nodes else {}
        return {
            "nodes": [
                {
                    "id": n,
                    "label": g.nodes[n].get("label", n),
                    "type": g.nodes[n].get("type"),
                    "x": round(float(pos[n][0]), 4),
                    "y": round(float(pos[n][1]), 4),
                    "degree": simple.degree(n),
                }
                for n in nodes
            ],
            "edges": [{"source": a, "target": b, "kind": k} for a, b, k in edges],
            "truncated": len(keep & {n for n in g if g.nodes[n].get("type") in kinds}) > len(nodes),
        }
