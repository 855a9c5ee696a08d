"""Who does what where: actors and their actions on a place, with containment and evidence."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


class WhoQueries:
    """Mixed into :class:`graph.queries.Queries`: uses its graph, reference data and place helpers."""

    # -- who ----------------------------------------------------------------------------------------------

    def who(
        self,
        *,
        what: str | None = None,
        where: str | None = None,
        theme: str | None = None,
        include_generic: bool = False,
    ) -> dict[str, Any]:
        # a `what` that names an actor (today's or an old name) asks for that actor's actions, lineage
        # included
        as_actor = what if what and self.actor_family(what) else None
        found = self.actions(what=None if as_actor else what, where=where, theme=theme, actor=as_actor)
        by_actor: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in found:
            node = item["id"]
            d = self.g.nodes[node]
            for _, dst, e in self.g.out_edges(node, data=True):
                if e["kind"] not in ("piloted_by", "partner", "contact"):
                    continue
                actor = self.g.nodes[dst]
                if actor.get("generic") and not include_generic:
                    continue
                by_actor[dst].append(
                    {
                        "id": node.removeprefix("action:"),
                        "title": d["label"],
                        "role": e["kind"],
                        "ref": d.get("ref"),
                        "doc": d.get("doc"),
                        "document": self.document_summary(d.get("doc")),
                        "region": d.get("region"),
                        "scope": item["scope"],
                        "territories": self.territories_of(node),
                        "evidence": {
                            "doc": e.get("doc"),
                            "line_start": e.get("line_start"),
                            "line_end": e.get("line_end"),
                            "quote": e.get("quote"),
                            "written": e.get("written"),
                        },
                    }
                )
        results = []
        for actor_id, acts in by_actor.items():
            results.append(
                {
                    "actor": self.actor_summary(actor_id),
                    "actions": sorted(
                        acts,
                        key=lambda x: (
                            x["scope"] != "local",
                            {"piloted_by": 0, "contact": 1, "partner": 2}[x["role"]],
                        ),
                    ),
                }
            )
        results.sort(
            key=lambda r: (
                -sum(x["role"] == "piloted_by" for x in r["actions"]),
                -len(r["actions"]),
                r["actor"]["name"],
            )
        )
        return {"query": {"what": what, "where": where, "theme": theme}, "results": results}
