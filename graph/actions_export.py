"""`qfq export actions`: one JSON object per action, with linked territories and provenance."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from graph.linking import TerritoryLinker, actor_id
from graph.store import Store
from graph.territories import Referential


def linker_for(
    referential: Referential, doc: dict[str, Any], glossary: list[dict[str, Any]]
) -> TerritoryLinker:
    return TerritoryLinker(
        referential,
        region=doc.get("region"),
        department=doc.get("department"),
        glossary={g["acronym"]: g["expansion"] for g in glossary},
    )


def _linked(graph, node: str, kind: str) -> list[dict[str, Any]]:
    out = []
    for _, dst, e in graph.out_edges(node, data=True):
        if e["kind"] != kind:
            continue
        d = graph.nodes[dst]
        item = {"id": dst, "name": d.get("label")}
        if d.get("type") == "actor":
            item["kind"] = d.get("kind")
            item["written"] = e.get("written")
            item["note"] = e.get("note")
            successor = d.get("successor")
            if successor and successor in graph:
                item["display"] = f"{d['label']} (aujourd'hui {graph.nodes[successor]['label']})"
        if kind in ("mobilises", "theme", "targets"):
            item["evidence"] = {"line": e.get("line_start"), "quote": e.get("quote")}
        out.append(item)
    return out


def export_row(
    action: dict[str, Any], doc: dict[str, Any], linker: TerritoryLinker, graph=None
) -> dict[str, Any]:
    """The stable export shape of DESIGN.md, plus the extracted fields. With the knowledge graph, organisations,
    dispositifs, publics and themes are its resolved nodes; without it, names as written with provisional ids."""
    prov = action["provenance"]
    region = action.get("region") or (linker.region.name if linker.region else doc.get("region"))
    node = f"action:{action['id']}"
    if graph is not None and node in graph:
        linked = {
            "pilots": _linked(graph, node, "piloted_by"),
            "partners": _linked(graph, node, "partner"),
            "dispositifs": _linked(graph, node, "mobilises"),
            "publics": _linked(graph, node, "targets"),
            "themes": _linked(graph, node, "theme"),
        }
    else:
        linked = {
            "pilots": [
                {"id": actor_id(o["name"]), "name": o["name"], "note": o.get("note")}
                for o in action["pilots"]
            ],
            "partners": [
                {"id": actor_id(o["name"]), "name": o["name"], "note": o.get("note")}
                for o in action["partners"]
            ],
            "dispositifs": [],
            "publics": [],
            "themes": [],
        }
    return {
        "id": action["id"],
        "doc": action["doc"],
        "ref": action["ref"],
        "title": action["title"],
        "region": region,
        "chapter": action.get("chapter"),
        "shape": action["shape"],
        "territories": link_territories(action, linker),
        **linked,
        "contacts": [
            {k: c[k] for k in ("kind", "value", "org", "person") if c.get(k)} for c in action["contacts"]
        ],
        "people": [{k: p[k] for k in ("name", "role", "org") if p.get(k)} for p in action["people"]],
        "description": action["description"],
        "intitule": action.get("intitule"),
        "perimeter": action.get("perimeter"),
        "budget": action.get("budget"),
        "calendar": action.get("calendar"),
        "duration": action.get("duration"),
        "indicators": action.get("indicators"),
        "expected_results": action.get("expected_results"),
        "observations": action.get("observations"),
        "steps": action.get("steps", []),
        "keys_to_success": action.get("keys_to_success", []),
        "figures": action.get("figures", []),
        "fields_missing": action.get("fields_missing", []),
        "provenance": {
            "doc": prov["doc"],
            "line_start": prov["line_start"],
            "line_end": prov["line_end"],
            "page": prov.get("page"),
            "quote": prov["quote"],
            "path": doc.get("path"),
        },
    }


def link_territories(action: dict[str, Any], linker: TerritoryLinker) -> list[dict[str, Any]]:
    """Linked territories of an action, one per territory id (names as written that resolve alike merge)."""
    context = " ".join(
        filter(None, (action.get("intitule"), action.get("perimeter"), action.get("description")))
    )
    out, seen = [], set()
    for t in action["territories"]:
        linked = linker.link(t["name"], t.get("excluded", False), context).to_dict()
        key = linked["id"] or linked["name"]
        if key not in seen:
            seen.add(key)
            out.append(linked)
    return out


def iter_rows(store: Store, referential: Referential, graph=None) -> Iterator[dict[str, Any]]:
    for doc in store.documents():
        linker = linker_for(referential, doc, store.glossary(doc["id"]))
        for action in store.actions(doc["id"]):
            yield export_row(action, doc, linker, graph)


def write_jsonl(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        n += 1
    return n
