"""Listings the facade composes from the referential and the knowledge base: territory autocomplete, actors
with their merge log."""

from __future__ import annotations

from typing import Any

from graph.knowledge import KnowledgeBase
from graph.roles import ACTOR_EDGES, ROLE_LABELS, cut
from graph.territories import Referential
from ingest.text import fold


def territory_hits(referential: Referential, q: str, limit: int = 10) -> dict[str, Any]:
    """Territories whose name begins with ``q`` (or with that code), each with its département and région."""
    keep = ("departement", "region")
    return {
        "query": q,
        "results": [
            {
                "id": t.id,
                "name": t.name,
                "level": t.level,
                "code": t.code,
                "parents": [p.name for p in referential.parents(t.id) if p.level in keep],
            }
            for t in referential.search(q, limit=limit)
        ],
    }


def actor_list(kb: KnowledgeBase, name: str | None = None) -> dict[str, Any]:
    """Actors (those whose name, alias or acronym contains ``name``) with their kind, aliases, lineage and
    every resolution decision (the merge log)."""
    decisions: dict[str, list[dict[str, str]]] = {}
    for d in kb.built.resolver.log:
        decisions.setdefault(d.actor, []).append(
            {"written": d.mention, "doc": d.doc, "rule": d.rule, "detail": d.detail}
        )
    key = fold(name) if name else None
    out = []
    for node, data in kb.graph.nodes(data=True):
        if data.get("type") != "actor":
            continue
        names = [data["label"], *(data.get("aliases") or []), data.get("acronym") or ""]
        if key and not any(key in fold(n) for n in names if n):
            continue
        summary = kb.queries.actor_summary(node)
        summary.update(
            aliases=data.get("aliases") or [],
            branches=data.get("branches") or [],
            generic=bool(data.get("generic")),
            decisions=decisions.get(node, []),
            **_roles(kb, node),
        )
        out.append(summary)
    out.sort(key=lambda a: fold(a["name"]))
    return {"query": name, "results": out}


EXAMPLES = 5  # role statements shown per actor


def _roles(kb: KnowledgeBase, node: str) -> dict[str, Any]:
    """How many actions per role (French labels), and the first statements with their evidence."""
    counts: dict[str, int] = {}
    examples = []
    for src, _, e in kb.graph.in_edges(node, data=True):
        if e["kind"] not in ACTOR_EDGES or not src.startswith("action:"):
            continue  # a document naming the actor (participants, glossary) is not one of its actions
        label = ROLE_LABELS[e["kind"]]
        counts[label] = counts.get(label, 0) + 1
        if len(examples) < EXAMPLES:
            examples.append(
                {
                    "action": src.removeprefix("action:"),
                    "title": kb.graph.nodes[src].get("label"),
                    "role": label,
                    "source": e.get("evidence_source"),
                    "doc": e.get("doc"),
                    "line": e.get("line_start"),
                    "quote": cut(e.get("quote") or "") or None,
                }
            )
    return {"roles": counts, "examples": examples}
