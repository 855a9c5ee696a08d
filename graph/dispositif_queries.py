"""The dispositifs of the thesaurus as the graph knows them: list and detail."""

from __future__ import annotations

from typing import Any

from graph.errors import NotFound
from ingest.text import fold


class DispositifQueries:
    """Mixed into :class:`graph.queries.Queries`: uses its graph, reference data and place helpers."""

    # -- dispositifs and neighbourhoods ---------------------------------------------------------------------

    def dispositifs(self) -> dict[str, Any]:
        """Every dispositif: the thesaurus and the local schemes named in the documents, with their use."""
        g = self.g
        items = []
        for node, d in g.nodes(data=True):
            if d.get("type") == "dispositif":
                count = sum(1 for _, _, e in g.in_edges(node, data=True) if e["kind"] == "mobilises")
                items.append(
                    {
                        "id": node,
                        "name": d["label"],
                        "kind": d.get("kind"),
                        "scope": d.get("scope"),
                        "actions": count,
                    }
                )
        for d in self.reference.dispositifs:
            if d.id not in g:
                items.append({"id": d.id, "name": d.label, "kind": d.kind, "scope": d.scope, "actions": 0})
        items.sort(key=lambda x: (-x["actions"], fold(x["name"])))
        return {"total": len(items), "items": items}

    def _rule_of(self, d) -> dict[str, Any]:
        """The rule in French, what the adviser verifies, and where it was checked."""
        from graph.conditions_eval import describe

        c = d.conditions
        if c is None:
            return {}
        thesaurus, terms = self.reference.dispositifs, self.reference.profile
        return {
            "rule": describe(c.rule, terms, thesaurus.facts, thesaurus.constants),
            "to_verify": list(c.verify),
            "source": c.source,
            "operator_url": c.operator_url,
        }

    def dispositif(self, dispositif_id: str) -> dict[str, Any]:
        """A dispositif: thesaurus facts (conditions, operator, link, lineage) and the actions that mobilise
        it."""
        node = dispositif_id if dispositif_id.startswith("dispositif:") else f"dispositif:{dispositif_id}"
        g = self.g
        d = self.reference.dispositifs.get(node)
        if d is None and node not in g:
            raise NotFound(
                f"aucun dispositif {dispositif_id!r}",
                where="dispositif_id",
                valid="un identifiant donné par /dispositifs",
            )
        out: dict[str, Any] = {"id": node}
        if d is not None:
            out.update(
                name=d.label,
                aliases=list(d.alt_labels),
                definition=d.definition,
                kind=d.kind,
                operator=list(d.operator),
                publics=list(d.publics),
                needs=list(d.needs),
                min_age=d.min_age,
                max_age=d.max_age,
                age_exceptions=[{"status": e.status, "max_age": e.max_age} for e in d.age_exceptions],
                requires_status=list(d.requires_status),
                requires_all_status=list(d.requires_all_status),
                requires_residence=list(d.requires_residence),
                other_conditions=list(d.other_conditions),
                scope=d.scope,
                **self._rule_of(d),
                link=d.link,
                checked=d.checked.isoformat() if d.checked else None,
                replaced_by=d.replaced_by,
                replaced_on=d.replaced_on.isoformat() if d.replaced_on else None,
                territory=d.territory,
                territories=list(d.territories),
            )
        else:
            data = g.nodes[node]
            out.update(
                name=data["label"], kind=data.get("kind"), scope=data.get("scope"), region=data.get("region")
            )
        out["actions"] = [
            {
                "id": src.removeprefix("action:"),
                "title": g.nodes[src]["label"],
                "region": g.nodes[src].get("region"),
                "evidence": {"doc": e.get("doc"), "line_start": e.get("line_start"), "quote": e.get("quote")},
            }
            for src, _, e in (g.in_edges(node, data=True) if node in g else [])
            if e["kind"] == "mobilises"
        ]
        return out
