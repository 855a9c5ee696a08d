"""The local actions of a match: those of the person's place that answer a need or mobilise a dispositif the
person may use, each with the evidence of why, and those whose own text turns the person away (a mixin of
:class:`graph.match.Matcher`, whose caches it fills)."""

from __future__ import annotations

import re
from typing import Any

from ingest.text import collapse, html_paragraphs

# An action's own text that turns a public away: "L'AFPA n'est pas en mesure de recevoir de publics mineurs".
_NO_MINORS = re.compile(
    r"(?:pas|aucun|ne\s+peu[tv]e?n?t?|n'est\s+pas\s+en\s+mesure|interdit|exclu)[^.;]{0,80}\bmineurs?\b"
    r"|\b(?:réservée?s?|uniquement|exclusivement)\s+(?:aux|à\s+des)\s+(?:personnes\s+)?majeur",
    re.I,
)


def no_minors_sentence(lines: list[str], first: int) -> tuple[str, int] | None:
    """The sentence of these lines (the first numbered `first`) saying minors are not taken, and its line."""
    for offset, raw in enumerate(lines):
        for paragraph in html_paragraphs(raw):
            m = _NO_MINORS.search(paragraph)
            if m:
                start = paragraph.rfind(".", 0, m.start()) + 1
                end = paragraph.find(".", m.end())
                return collapse(paragraph[start : end + 1 if end != -1 else len(paragraph)]), first + offset
    return None


class MatchActions:
    """What a matcher answers of the actions; uses its graph, queries, terms and caches."""

    def _actions(self, profile, here, wanted: set[str], eligible_ids: set[str]):
        """The actions of ``here`` (a resolved place of graph.match) for a profile: those kept, sorted, and
        those whose own text turns the person away."""
        out, turned_away = [], []
        # no need named: the actions aimed at a public the person belongs to are theirs too
        publics = (
            frozenset()
            if wanted
            else frozenset(f"public:{p}" for p in self.terms.publics_of(profile.age, profile.statuses))
        )
        for node, scope in here.actions:
            reasons, dispositifs = self._reasons(node, wanted, eligible_ids, publics)
            if not reasons:
                continue
            summary = {**self._static(node), "scope": scope, "dispositifs": dispositifs}
            summary["reasons"] = reasons
            why_not = None
            if profile.age is not None and profile.age < 18:  # the text is read only when it may turn away
                found = self._minors_refused(node)
                if found is not None:
                    why_not = {
                        "rule": f"n'accueille pas les mineurs : {profile.age} ans ✗",
                        "quote": found[0],
                        "line": found[1],
                    }
            if why_not:
                turned_away.append({**summary, "excluded_by": why_not})
            else:
                out.append(summary)
        out.sort(
            key=lambda a: (
                a["scope"] != "local",
                a["document"]["past"] if a["document"] else False,
                -len(a["reasons"]),
            )
        )
        return out, turned_away

    def _reasons(
        self, node: str, wanted: set[str], eligible_ids: set[str], publics: frozenset[str] = frozenset()
    ) -> tuple[list[dict], list[str]]:
        """Why an action answers this person: a theme of one of their needs, a dispositif they may have, a
        public they belong to (``publics``: public node ids, given only when no need is named)."""
        why = self._why_of(node)
        keys = self._why_keys.get(node)
        if keys is None:
            keys = self._why_keys[node] = frozenset(key for _kind, key, _reason in why)
        if keys.isdisjoint(wanted) and keys.isdisjoint(eligible_ids) and keys.isdisjoint(publics):
            return [], []  # most actions of a place: no reason
        reasons, dispositifs = [], []
        for kind, key, reason in why:
            if kind == "theme" and key in wanted:
                reasons.append(reason)
            elif kind == "mobilises" and key in eligible_ids:
                dispositifs.append(key)
                reasons.append(reason)
            elif kind == "targets" and key in publics:
                reasons.append(reason)
        return reasons, dispositifs

    def _why_of(self, node: str) -> list[tuple[str, str, dict[str, Any]]]:
        """An action's possible reasons, in edge order: ("theme", need, reason), ("mobilises", id, reason),
        ("targets", public id, reason)."""
        found = self._why.get(node)
        if found is not None:
            return found
        found, need_labels = [], self.terms.needs
        for kind, dst, e in self._out(node):
            where = {"quote": e.get("quote"), "line": e.get("line_start")}
            if kind == "theme" and self.need_of_theme.get(dst):
                need = self.need_of_theme[dst]
                why = f"besoin « {need_labels.get(need)} » : thématique {self.g.nodes[dst]['label']}"
                found.append((kind, need, {"why": why, **where}))
            elif kind == "mobilises":
                why = f"mobilise {self.g.nodes[dst]['label']}, auquel la personne a droit"
                found.append((kind, dst, {"why": why, **where}))
            elif kind == "targets":
                why = f"public « {self.g.nodes[dst]['label']} », dont la personne fait partie"
                found.append((kind, dst, {"why": why, **where}))
        self._why[node] = found
        return found

    def _minors_refused(self, node: str) -> tuple[str, int] | None:
        """The sentence of an action's own text that turns minors away, and its line (read once)."""
        if node not in self._no_minors:
            d = self.g.nodes[node]
            span = self.lines_of(d["doc"])[d["line_start"] - 1 : d["line_end"]]
            self._no_minors[node] = no_minors_sentence(span, d["line_start"])
        return self._no_minors[node]

    def _static(self, node: str) -> dict[str, Any]:
        """What an action's summary says whoever asks: title, places, pilots, contacts, document, evidence."""
        found = self._summaries.get(node)
        if found is not None:
            return found
        d = self.g.nodes[node]
        pilots, contacts = [], []
        for kind, dst, e in self._out(node):
            if kind == "piloted_by" and not self.g.nodes[dst].get("generic"):
                pilots.append(self.q.actor_summary(dst))
            elif kind == "contact":
                contacts.append({"actor": self.g.nodes[dst]["label"], "value": e.get("value")})
        found = self._summaries[node] = {
            "id": node.removeprefix("action:"),
            "title": d["label"],
            "doc": d.get("doc"),
            "ref": d.get("ref"),
            "territories": [t["name"] for t in self.q.territories_of(node)],
            "pilots": pilots,
            "contacts": contacts,
            "document": self.q.document_summary(d.get("doc")),
            "evidence": {
                "doc": d.get("doc"),
                "line_start": d.get("line_start"),
                "line_end": d.get("line_end"),
                "quote": d.get("quote"),
            },
        }
        return found
