"""Adviser matching: a job seeker's profile (age, statuses, place, needs) against the dispositifs' conditions
and the local actions of the knowledge graph. Every answer says why — the conditions met, the one that
failed, what is missing — and every action comes with the evidence of why it was chosen."""

from __future__ import annotations

import datetime as dt
import re
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from graph.conditions_eval import NO_CONDITION, decide, situation
from graph.conditions_facts import Facts
from graph.dispositifs import Dispositif
from graph.profile import ProfileTerms
from graph.queries import Queries
from graph.vocabularies import Vocabularies
from ingest.errors import InputError
from ingest.text import collapse, html_paragraphs

RESIDENCE = {"residant_qpv", "residant_zrr"}
# Schemes aimed only at households as owners, firms or institutions are not a job seeker's (renovation, PAT…).
NOT_PERSONS = {"particulier", "entreprise", "professionnel", "collectivite", "tout_public"}
MIN_AGE, MAX_AGE = 14, 99
# An action's own text that turns a public away: "L'AFPA n'est pas en mesure de recevoir de publics mineurs".
_NO_MINORS = re.compile(
    r"(?:pas|aucun|ne\s+peu[tv]e?n?t?|n'est\s+pas\s+en\s+mesure|interdit|exclu)[^.;]{0,80}\bmineurs?\b"
    r"|\b(?:réservée?s?|uniquement|exclusivement)\s+(?:aux|à\s+des)\s+(?:personnes\s+)?majeur",
    re.I,
)


def statuses(vocabularies: Vocabularies) -> list[str]:
    """The publics a profile may declare as its statuses."""
    return sorted(c.slug for c in vocabularies.concepts("public") if c.profile_status)


def vocabulary(
    vocabularies: Vocabularies, terms: ProfileTerms, facts: Facts | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The profile vocabulary with French labels, for forms: statuses, needs and the optional facts."""
    labels = {c.slug: c.label for c in vocabularies.concepts("public")}
    facts = facts if facts is not None else Facts.load()
    return {
        "statuses": [{"slug": s, "label": labels[s]} for s in statuses(vocabularies)],
        "needs": [{"slug": n, "label": label} for n, label in terms.needs.items()],
        "facts": [f.form() for name, f in sorted(facts.index.items()) if name != "age"],
    }


@dataclass
class Profile:
    age: int | None = None
    statuses: list[str] = field(default_factory=list)
    where: str | None = None
    needs: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # optional typed facts (graph/data/facts.toml)

    def validate(self, valid_statuses: list[str], valid_needs: list[str]) -> None:
        if self.age is not None and not MIN_AGE <= self.age <= MAX_AGE:
            raise InputError(
                f"âge impossible : {self.age}", where="age", valid=f"un entier de {MIN_AGE} à {MAX_AGE}"
            )
        valid = valid_statuses
        unknown = [s for s in self.statuses if s not in valid]
        if unknown:
            raise InputError(
                f"statut inconnu : {', '.join(map(repr, unknown))}", where="statuses", valid=", ".join(valid)
            )
        unknown = [n for n in self.needs if n not in valid_needs]
        if unknown:
            raise InputError(
                f"besoin inconnu : {', '.join(map(repr, unknown))}",
                where="needs",
                valid=", ".join(valid_needs),
            )


@dataclass(frozen=True)
class _Where:
    """A place name as the matcher resolved it (see :meth:`Matcher._place`)."""

    place: Any  # graph.queries.Place
    shown: dict[str, Any]  # the answer's "where"
    chain: frozenset[str]  # the territory and those containing it
    actions: tuple[tuple[str, str | None], ...]  # (action node, "local" or "wider")


_PLACES_KEPT = 4096  # place names a matcher keeps resolved


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


_MATCHERS: weakref.WeakKeyDictionary[Queries, Matcher] = weakref.WeakKeyDictionary()
_MATCHERS_LOCK = threading.Lock()


def matcher_for(queries: Queries, lines_of) -> Matcher:
    """The matcher of a knowledge base's queries, made once: what it derives from the graph and the
    referential (territory ids, action summaries, an action's own exclusions) is kept for the next answers,
    and goes with the knowledge base."""
    with _MATCHERS_LOCK:
        found = _MATCHERS.get(queries)
        if found is None:
            found = _MATCHERS[queries] = Matcher(queries, lines_of)
        return found


class Matcher:
    """Matches profiles on one knowledge base. Its caches hold only what the graph and the referential decide
    (never a profile), filled on first use; two threads may fill an entry twice with equal values."""

    def __init__(self, queries: Queries, lines_of):
        # a proxy: the matcher is the value of a weak-keyed map on its queries and must not keep them alive
        self.q = weakref.proxy(queries)
        self.g = queries.g
        self.lines_of = lines_of
        self.reference = queries.reference
        vocabularies = self.reference.vocabularies
        self.valid_statuses = statuses(vocabularies)
        self.valid_needs = list(self.reference.profile.needs)
        self.terms = self.reference.profile
        self.thesaurus = self.reference.dispositifs
        self.need_of_theme = {f"theme:{c.slug}": c.need for c in vocabularies.concepts("theme") if c.need}
        self._territories: dict[str, str | None] = {}
        self._edges: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
        self._summaries: dict[str, dict[str, Any]] = {}
        self._no_minors: dict[str, tuple[str, int] | None] = {}
        self._dispositifs: dict[str, dict[str, Any]] = {}
        self._why: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
        self._places: dict[str, _Where] = {}
        self._questions: dict[Any, dict[str, Any]] = {}  # Missing -> its question, as a form asks it
        # the dispositifs a person may use (not those aimed only at households, firms…), with their needs
        self._for_persons = [
            (d, frozenset(d.needs))
            for d in self.thesaurus
            if not (d.publics and set(d.publics) <= NOT_PERSONS)
        ]

    def _territory(self, name: str) -> str | None:
        """The id of the territory a dispositif or a condition names."""
        if name not in self._territories:
            hits = self.q.ref.lookup(name, levels=("region", "departement", "epci", "commune"))
            self._territories[name] = hits[0].id if hits else None
        return self._territories[name]

    def _out(self, node: str) -> list[tuple[str, str, dict[str, Any]]]:
        """A node's out-edges as (kind, target, data)."""
        found = self._edges.get(node)
        if found is None:
            found = self._edges[node] = [
                (e["kind"], dst, e) for _, dst, e in self.g.out_edges(node, data=True)
            ]
        return found

    def _dispositif_applies_here(self, d: Dispositif, chain: set[str]) -> bool:
        if d.scope == "national" or not d.territories:
            return True
        return any(self._territory(t) in chain for t in d.territories)

    def _place(self, where: str) -> _Where:
        """Where a place name leads, worked out once per name (the referential and the graph decide it,
        not the profile): its territory, the homonyms to check, the territories containing it and the
        actions there. A name that is ambiguous or unknown raises each time and is not kept."""
        found = self._places.get(where)
        if found is not None:
            return found
        homonyms = self._homonyms(where)
        place = self.q.place(where)
        t = place.territory
        chain = frozenset({t.id, *(p.id for p in self.q.ref.parents(t.id))})
        found = _Where(
            place,
            {"id": t.id, "name": t.name, "level": t.level, "code": t.code, "homonyms": homonyms},
            chain,
            tuple((item["id"], item["scope"]) for item in self.q.actions(where=where)),
        )
        if len(self._places) >= _PLACES_KEPT:
            self._places.clear()
        self._places[where] = found
        return found

    def match(self, profile: Profile) -> dict[str, Any]:
        profile.validate(self.valid_statuses, self.valid_needs)
        thesaurus = self.thesaurus
        facts = thesaurus.facts.parse(profile.facts)
        if not profile.where:
            raise InputError(
                "la commune de la personne est nécessaire",
                where="where",
                valid="un nom de commune, un code postal ou un code INSEE",
            )
        here = self._place(profile.where)
        wanted = set(profile.needs)
        eligible, excluded, undecided, questions = self._dispositifs_for(profile, facts, here, wanted)
        eligible.sort(
            key=lambda e: (-len(e["needs"]), e["dispositif"]["scope"] == "national", e["dispositif"]["name"])
        )
        eligible_ids = {e["dispositif"]["id"] for e in eligible}
        actions, turned_away = self._actions(profile, here, wanted, eligible_ids)
        for e in eligible:
            e["actions"] = [a["id"] for a in actions if e["dispositif"]["id"] in a["dispositifs"]]
        return {
            "profile": {
                "age": profile.age,
                "statuses": profile.statuses,
                "needs": profile.needs,
                "facts": facts,
                "where": {**here.shown, "homonyms": list(here.shown["homonyms"])},
            },
            "eligible": eligible,
            "excluded": excluded,
            "undecided": undecided,
            "questions": list(questions.values()),
            "actions": actions,
            "actions_excluded": turned_away,
        }

    def _dispositifs_for(self, profile: Profile, facts: dict[str, Any], here: _Where, wanted: set[str]):
        """The dispositifs of the place and the needs, each decided: eligible, excluded, undecided, and the
        questions the undecided ones ask (once each)."""
        chain, name = here.chain, here.place.territory.name

        def inside(territory: str) -> tuple[bool, str] | None:
            found = self._territory(territory)
            return (found in chain, name) if found else None

        held = set(profile.statuses)
        thesaurus = self.thesaurus
        s = situation(
            profile.age,
            held,
            held & RESIDENCE,
            terms=self.terms,
            thesaurus=thesaurus,
            facts=facts,
            place=inside,
        )
        today = dt.date.today()
        eligible, excluded, undecided = [], [], []
        questions: dict[str, dict[str, Any]] = {}
        for d, needs in self._for_persons:
            if not self._dispositif_applies_here(d, chain):
                continue
            serves = sorted(needs & wanted)
            if wanted and not serves:
                continue
            decision = decide(d, s, thesaurus, today)
            entry = {"dispositif": self._dispositif(d), "needs": serves}
            if decision.decision == "excluded":
                excluded.append({**entry, "failed": list(decision.failed)})
            elif decision.decision == "undecided":
                asked = [self._question(m, thesaurus) for m in decision.missing]
                for q in asked:
                    questions.setdefault(q["fact"], {**q, "dispositifs": []})["dispositifs"].append(d.id)
                undecided.append(
                    {
                        **entry,
                        "reasons": list(decision.met),
                        "missing": list(decision.unknown),
                        "questions": asked,
                        "to_check": list(decision.to_check),
                    }
                )
            else:
                reasons = list(decision.met) or [NO_CONDITION]
                eligible.append({**entry, "reasons": reasons, "to_check": list(decision.to_check)})
        return eligible, excluded, undecided, questions

    def _homonyms(self, where: str) -> list[str]:
        """Communes of the same name: an error listing them when two are places people live in (the second
        at least a tenth of the first's population), else the others, for the adviser to check."""
        ref = self.q.ref
        same = ref.homonyms(where, levels=("region", "departement", "epci", "commune"))
        if not same:
            return []

        def shown(t) -> str:
            dep = ref.departement_of(t.id)
            return f"{t.name} ({dep.code}, {dep.name})" if dep else t.name

        if ref.population(same[1].id) >= 0.1 * ref.population(same[0].id):
            choices = "; ".join(
                f"« {t.name} ({dep.code}) » pour {shown(t)}" if (dep := ref.departement_of(t.id)) else t.code
                for t in same
            )
            raise InputError(
                f"« {where} » désigne plusieurs communes : précisez laquelle",
                where="where",
                valid=f"{choices} ; ou un code postal, ou un code INSEE",
            )
        return [shown(t) for t in same[1:]]

    def _question(self, missing, thesaurus) -> dict[str, Any]:
        """A missing fact as a form asks it: the fact's type and values, or the status or age (made once per
        missing fact and condition: the same dict in every answer, read-only like the answers)."""
        found = self._questions.get(missing)
        if found is None:
            found = self._questions[missing] = self._form(missing, thesaurus)
        return found

    @staticmethod
    def _form(missing, thesaurus) -> dict[str, Any]:
        if missing.fact.startswith("status:"):
            form = {"fact": missing.fact, "type": "status", "status": missing.fact.removeprefix("status:")}
        elif missing.fact == "where":
            form = {"fact": "where", "type": "place"}
        else:
            form = thesaurus.facts.get(missing.fact).form()
        return {**form, "question": missing.question, "condition": missing.condition}

    def _dispositif(self, d: Dispositif) -> dict[str, Any]:
        found = self._dispositifs.get(d.id)
        if found is None:
            found = self._dispositifs[d.id] = {
                "id": d.id,
                "name": d.label,
                "kind": d.kind,
                "scope": d.scope,
                "operator": list(d.operator),
                "definition": d.definition,
                "link": d.link,
                "checked": d.checked.isoformat() if d.checked else None,
                "source": d.conditions.source if d.conditions else None,
                "operator_url": d.conditions.operator_url if d.conditions else None,
            }
        return found

    def _actions(self, profile: Profile, here: _Where, wanted: set[str], eligible_ids: set[str]):
        out, turned_away = [], []
        for node, scope in here.actions:
            reasons, dispositifs = self._reasons(node, wanted, eligible_ids)
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

    def _reasons(self, node: str, wanted: set[str], eligible_ids: set[str]) -> tuple[list[dict], list[str]]:
        """Why an action answers this person: a theme of one of their needs, a dispositif they may have."""
        reasons, dispositifs = [], []
        for kind, key, reason in self._why_of(node):
            if kind == "theme" and key in wanted:
                reasons.append(reason)
            elif kind == "mobilises" and key in eligible_ids:
                dispositifs.append(key)
                reasons.append(reason)
        return reasons, dispositifs

    def _why_of(self, node: str) -> list[tuple[str, str, dict[str, Any]]]:
        """An action's possible reasons, in edge order: ("theme", need, reason), ("mobilises", id, reason)."""
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
