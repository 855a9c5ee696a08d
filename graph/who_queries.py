"""Who does what where, as a planner reads it: actors with their role counts, each action once per actor with
its roles and the row or sentence that names the actor, local actions before wider ones with the scope
stated, the theme filter real (the quote that shows the theme), paginated."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from graph.roles import ACTOR_EDGES, ROLE_LABELS, cut, quote_around
from ingest.errors import InputError
from ingest.text import fold

# the best role first: an actor's entry for an action shows its strongest role
ROLE_ORDER = ("piloted_by", "operator", "funded_by", "partner", "contact", "beneficiary", "mentions")
SCOPE_ORDER = {"local": 0, "inherited": 1, "wider": 2, None: 3}
_DETAILS = re.compile(
    r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+|(?:https?://|www\.)\S+|(?:\+33\s?|0)\s?\d(?:[\s.]?\d){8}", re.I
)
SCOPE_NAMES = 3  # local territories named in the scope line


def proving_quote(quote: str | None, written: str | None) -> str | None:
    """The quote without contact details (phone, e-mail, web address), cut at word boundaries around the
    organisation's name; None when it does not name the organisation (a bare heading proves nothing)."""
    text = " ".join(_DETAILS.sub(" ", quote or "").split()).strip(" :;,-–")
    if not text:
        return None
    if not written:
        return cut(text)
    if fold(written) not in fold(text):
        return None
    return quote_around(text, written)


def theme_quote(quote: str | None) -> str | None:
    """A theme's quote without heading marks ('#### Proposition 1-2 : …')."""
    text = cut(re.sub(r"^#+\s*", "", (quote or "").strip()))
    return text or None


@dataclass(frozen=True)
class WhoQuery:
    """One `who` question, as the HTTP route and the CLI pass it to the facade and the facade to the
    queries: what (free text, an actor, a theme or a dispositif), where (a place), theme (a slug), whether
    generic collectives and organisations only named (no role) count, and the page."""

    what: str | None = None
    where: str | None = None
    theme: str | None = None
    include_generic: bool = False
    mentioned: bool = False
    limit: int | None = None
    offset: int = 0

    def checked(self) -> WhoQuery:
        """The query itself when it is valid; else an InputError saying which parameter is wrong."""
        if self.limit is not None and self.limit < 1:
            raise InputError(
                f"limit doit valoir au moins 1, reçu {self.limit}", where="limit", valid="1 ou plus"
            )
        if self.offset < 0:
            raise InputError(
                f"offset doit valoir 0 ou plus, reçu {self.offset}", where="offset", valid="0 ou plus"
            )
        if not (self.what or self.where or self.theme):
            raise InputError(
                "dites quoi, où ou quelle thématique",
                where="what/where/theme",
                valid="--what TEXTE, --where LIEU et/ou --theme IDENTIFIANT",
            )
        return self

    def key(self) -> tuple[Any, ...]:
        """The query as a tuple (the facade's answer cache key)."""
        return dataclasses.astuple(self)


class WhoQueries:
    """Mixed into :class:`graph.queries.Queries`: uses its graph, reference data and place helpers."""

    def who(self, query: WhoQuery | None = None, /, **fields: Any) -> dict[str, Any]:
        """The answer to a `who` query (a WhoQuery, or its fields as keywords)."""
        q = query if query is not None else WhoQuery(**fields)
        what, where, theme, limit, offset = q.what, q.where, q.theme, q.limit, q.offset
        include_generic, mentioned = q.include_generic, q.mentioned
        # a `what` that names an actor (today's or an old name) asks for that actor's actions, lineage
        # included; a `what` that names a theme is the theme filter
        as_actor = what if what and self.actor_family(what) else None
        as_theme = None if as_actor or theme or not what else self.theme_named(what)
        theme = theme or as_theme
        text = None if as_actor or as_theme else what
        found = self.actions(what=text, where=where, theme=theme, actor=as_actor)
        place = self.place(where) if where else None
        down = self.below(place) if place else frozenset()
        kinds = set(ACTOR_EDGES) - (set() if mentioned else {"mentions"})
        by_actor: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in found:
            node = item["id"]
            scope = self._scope(node, down) if place else None
            per_actor: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for _, dst, e in self.g.out_edges(node, data=True):
                if e["kind"] in kinds and (include_generic or not self.g.nodes[dst].get("generic")):
                    per_actor[dst].append(e)
            for actor, edges in per_actor.items():
                by_actor[actor].append(self._who_action(node, edges, scope, theme))
        results = [self._who_result(actor, acts) for actor, acts in by_actor.items()]
        results.sort(
            key=lambda r: (
                min(SCOPE_ORDER[a["scope"]] for a in r["actions"]),
                -r["roles"].get("pilote", 0),
                -len(r["actions"]),
                fold(r["actor"]["name"]),
            )
        )
        total = len(results)
        page = results[offset : offset + limit if limit is not None else None]
        body: dict[str, Any] = {
            "query": {"what": what, "where": where, "theme": theme},
            "place": self._place_summary(place),
            "scope": self._scope_line(place, by_actor) if place else None,
            "total": total,
            "offset": offset,
            "limit": limit,
            "summary": self._summary(total, by_actor, place, len(page), offset),
            "results": page,
        }
        return body

    def theme_named(self, text: str) -> str | None:
        """The theme slug a text names (its slug, label or an alternative label), or None."""
        key = fold(text).replace("_", " ").strip()
        for c in self.reference.vocabularies.concepts("theme"):
            if key in {fold(c.slug).replace("_", " "), fold(c.label), *(fold(x) for x in c.alt_labels)}:
                return c.slug
        return None

    def _scope(self, node: str, down: frozenset[str]) -> str:
        """local: a place of its own inside the asked place; inherited: only its issuer's territory is;
        wider: it covers a larger territory."""
        inside = [e for _, dst, e in self.g.out_edges(node, data=True) if e["kind"] == "in" and dst in down]
        if any(not e.get("inherited") and not e.get("excluded") for e in inside):
            return "local"
        return "inherited" if inside else "wider"

    def _who_action(
        self, node: str, edges: list[dict[str, Any]], scope: str | None, theme: str | None
    ) -> dict[str, Any]:
        d = self.g.nodes[node]
        edges = sorted(edges, key=lambda e: (ROLE_ORDER.index(e["kind"]), e.get("evidence_source") != "row"))
        best = edges[0]
        quote = next((q for e in edges if (q := proving_quote(e.get("quote"), e.get("written")))), None)
        proof = next((e for e in edges if proving_quote(e.get("quote"), e.get("written")) == quote), best)
        out = {
            "id": node.removeprefix("action:"),
            "title": d["label"],
            "role": best["kind"],
            "role_label": ROLE_LABELS[best["kind"]],
            "roles": list(dict.fromkeys(ROLE_LABELS[e["kind"]] for e in edges)),
            "ref": d.get("ref"),
            "doc": d.get("doc"),
            "document": self.document_summary(d.get("doc")),
            "region": d.get("region"),
            "scope": scope,
            "territories": self.territories_of(node),
            "evidence": {
                "doc": proof.get("doc"),
                "line_start": proof.get("line_start"),
                "line_end": proof.get("line_end"),
                "page": proof.get("page"),
                "quote": quote or proof.get("written"),
                "written": proof.get("written"),
                "source": proof.get("evidence_source"),
                "confidence": proof.get("confidence"),
            },
            "theme_evidence": self._theme_evidence(node, theme) if theme else None,
        }
        return out

    def _theme_evidence(self, node: str, theme: str) -> dict[str, Any] | None:
        target = theme if theme.startswith("theme:") else f"theme:{theme}"
        for _, dst, e in self.g.out_edges(node, data=True):
            if dst == target and e["kind"] == "theme":
                return {"line_start": e.get("line_start"), "quote": theme_quote(e.get("quote"))}
        return None

    def _who_result(self, actor: str, acts: list[dict[str, Any]]) -> dict[str, Any]:
        acts.sort(key=lambda x: (SCOPE_ORDER[x["scope"]], ROLE_ORDER.index(x["role"]), fold(x["title"])))
        counts = Counter(label for a in acts for label in a["roles"])
        return {"actor": self.actor_summary(actor), "roles": dict(counts), "actions": acts}

    def _place_summary(self, place) -> dict[str, Any] | None:
        if place is None:
            return None
        t = place.territory
        return {"id": place.node, "name": t.name, "level": t.level, "code": t.code}

    def _scope_line(self, place, by_actor: dict[str, list[dict[str, Any]]]) -> str:
        """'<place>, dont <narrower places with actions>… ; actions sur un territoire plus large à part'."""
        local_places: Counter[str] = Counter()
        seen: set[str] = set()
        wider = 0
        for acts in by_actor.values():
            for a in acts:
                if a["id"] in seen:
                    continue
                seen.add(a["id"])
                if a["scope"] != "local":
                    wider += 1
                    continue
                for t in a["territories"]:
                    if t["id"] != place.node and not t["inferred"] and t["id"] in self.below(place):
                        local_places[t["name"]] += 1
        line = place.territory.name
        names = [n for n, _ in local_places.most_common(SCOPE_NAMES)]
        if names:
            line += ", dont " + ", ".join(names) + ("…" if len(local_places) > SCOPE_NAMES else "")
        if wider:
            line += " ; actions sur un territoire plus large ou héritées du porteur du plan à part"
        return line

    @staticmethod
    def _summary(
        total: int, by_actor: dict[str, list[dict[str, Any]]], place, shown: int, offset: int
    ) -> str:
        actions = {a["id"]: a["scope"] for acts in by_actor.values() for a in acts}
        local = sum(1 for s in actions.values() if s == "local")
        text = f"{_plural(total, 'acteur')}, {_plural(len(actions), 'action')}"
        if place is not None:
            text += f" ({_plural(local, 'locale')}, {len(actions) - local} plus larges ou héritées)"
            text += f" — lieu compris : {place.territory.name} ({_LEVELS.get(place.territory.level, '')})"
        if 0 < shown < total:
            text += f" ; acteurs {offset + 1} à {offset + shown} affichés"
        return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


_LEVELS = {"region": "région", "departement": "département", "epci": "EPCI", "commune": "commune"}
