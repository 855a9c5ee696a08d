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
from graph.match_actions import MatchActions
from graph.profile import ProfileTerms
from graph.queries import Queries
from graph.territory_data import Place
from graph.vocabularies import Vocabularies
from ingest.errors import InputError
from ingest.text import place_key

RESIDENCE = {"residant_qpv", "residant_zrr"}
# Schemes aimed only at households as owners, firms or institutions are not a job seeker's (renovation, PAT…).
NOT_PERSONS = {"particulier", "entreprise", "professionnel", "collectivite", "tout_public"}
MIN_AGE, MAX_AGE = 14, 99


def statuses(vocabularies: Vocabularies, terms: ProfileTerms | None = None) -> list[str]:
    """The statuses a profile may declare: the publics marked as profile statuses, and the extra statuses of
    profile.toml (``terms``, default the packaged file)."""
    terms = terms if terms is not None else ProfileTerms.load()
    publics = {c.slug for c in vocabularies.concepts("public") if c.profile_status}
    return sorted(publics | set(terms.extra_statuses))


def vocabulary(
    vocabularies: Vocabularies, terms: ProfileTerms, facts: Facts | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The profile vocabulary with French labels, for forms: statuses, needs and the optional facts."""
    labels = {c.slug: c.label for c in vocabularies.concepts("public")} | terms.extra_statuses
    facts = facts if facts is not None else Facts.load()
    return {
        "statuses": [{"slug": s, "label": labels[s]} for s in statuses(vocabularies, terms)],
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


_LONGER_SHOWN = 4  # the longer names an ambiguous short name lists, the most populous first
_DEP_HINT = re.compile(r"(.*?\S)\s*\((\d{2}|2[ABab]|9[78]\d)\)\s*")  # « Évry (91) »: chosen
_FIVE_DIGITS = re.compile(r"\d[\dAB]\d{3}", re.IGNORECASE)  # a postal or an INSEE code (2A…, 2B…)
_PLACES_KEPT = 4096  # place names a matcher keeps resolved


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


class Matcher(MatchActions):
    """Matches profiles on one knowledge base. Its caches hold only what the graph and the referential decide
    (never a profile), filled on first use; two threads may fill an entry twice with equal values."""

    def __init__(self, queries: Queries, lines_of):
        # a proxy: the matcher is the value of a weak-keyed map on its queries and must not keep them alive
        self.q = weakref.proxy(queries)
        self.g = queries.g
        self.lines_of = lines_of
        self.reference = queries.reference
        vocabularies = self.reference.vocabularies
        self.valid_statuses = statuses(vocabularies, self.reference.profile)
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
        self._why_keys: dict[str, frozenset[str]] = {}  # action -> the needs and dispositifs of its reasons
        self._places: dict[str, _Where] = {}
        # (name, commune id) of the short forms people use (« Cherbourg »), from territory_aliases.toml
        self._short_forms = frozenset(
            (place_key(name), tid) for name, tid, kind in queries.ref.other_names() if kind == "usage"
        )
        self._longer: dict[str, list] | None = None  # see _longer_index
        self._candidates_of: dict[tuple[frozenset[str], frozenset[str]], list] = {}
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
        postal = self._postal_reading(where)
        if postal:
            commune, coded = postal
            place = Place(commune, f"territory:{commune.id}")
            homonyms = [*homonyms, f"{self._shown(coded)}, dont « {coded.code} » est le code INSEE"]
        else:
            place = self.q.place(where)
        t = place.territory
        self._check_hint(where, t)
        chain = frozenset({t.id, *(p.id for p in self.q.ref.parents(t.id))})
        found = _Where(
            place,
            {"id": t.id, "name": t.name, "level": t.level, "code": t.code, "homonyms": homonyms},
            chain,
            tuple(
                (item["id"], item["scope"])
                for item in self.q.actions(where=place.territory.code if postal else where)
            ),
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

    def _candidates(self, here: _Where, wanted: set[str]) -> list[tuple[Dispositif, tuple[str, ...]]]:
        """The dispositifs a person of this place may use that serve the needs (all of them when no need is
        given), each with the needs it serves; worked out once per place and set of needs."""
        key = (here.chain, frozenset(wanted))
        found = self._candidates_of.get(key)
        if found is None:
            found = []
            for d, needs in self._for_persons:
                if not self._dispositif_applies_here(d, here.chain):
                    continue
                serves = tuple(sorted(needs & wanted))
                if wanted and not serves:
                    continue
                found.append((d, serves))
            if len(self._candidates_of) >= _PLACES_KEPT:
                self._candidates_of.clear()
            self._candidates_of[key] = found
        return found

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
        for d, serves in self._candidates(here, wanted):
            decision = decide(d, s, thesaurus, today)
            entry = {"dispositif": self._dispositif(d), "needs": list(serves)}
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

    def _postal_reading(self, where: str) -> tuple[Any, Any] | None:
        """A five-digit code that is the postal code of some communes and the INSEE code of another that
        does not receive its mail under it (« 14100 »: Lisieux's postal code, Bretteville-sur-Laize's INSEE
        code): the postal code's most populous commune, and the commune the INSEE code names, to be shown
        among the homonyms. A person gives where their mail goes; the referential reads the INSEE code
        first. None when the code is not such a code."""
        code = where.strip()
        if not _FIVE_DIGITS.fullmatch(code):
            return None
        ref = self.q.ref
        mailed = [t for t in ref.search(code, limit=50) if t.level == "commune"]
        coded = ref.get(f"commune:{code.upper()}")
        if not mailed or coded is None or coded in mailed:
            return None
        return mailed[0], coded

    def _shown(self, t) -> str:
        dep = self.q.ref.departement_of(t.id)
        return f"{t.name} ({dep.code}, {dep.name})" if dep else t.name

    def _homonyms(self, where: str) -> list[str]:
        """Communes of the same name: an error listing them when two are places people live in (the second
        at least a tenth of the first's population) or when the name is one commune's and another's short
        form, else the others, for the adviser to check."""
        ref = self.q.ref
        same = ref.homonyms(where, levels=("region", "departement", "epci", "commune"))
        # a short form weighs on its own, even among villages of the name (« Clermont »: four communes, and
        # the short name of Clermont-Ferrand)
        short = self._short_form_of(where)
        short_form = bool(short)
        if short_form:
            same = [*same, *(t for t in short if t not in same)]
        # a name that begins the official name of a commune as populous (« Boulogne », « Aix ») is asked too
        longer = self._longer_names_of(where, same)
        if longer:
            here = [] if _DEP_HINT.fullmatch(where.strip()) else (same or self._first_commune(where))
            same, short_form = [*here, *(t for t in longer if t not in here)], True
        if not same:
            return []

        if short_form or ref.population(same[1].id) >= 0.1 * ref.population(same[0].id):
            choices = "; ".join(
                f"« {t.name} ({dep.code}) » pour {self._shown(t)}"
                if (dep := ref.departement_of(t.id))
                else t.code
                for t in same
            )
            raise InputError(
                f"« {where} » désigne plusieurs communes : précisez laquelle",
                where="where",
                valid=f"{choices} ; ou un code postal, ou un code INSEE",
            )
        return [self._shown(t) for t in same[1:]]

    def _check_hint(self, where: str, t) -> None:
        """« Clermont (63) »: the département said must be the commune's. The referential takes the hint as a
        preference, and answered a commune of another département when none of the name lies in the one said
        (Clermont of the Oise for « Clermont (63) »): that is a guess, and the adviser is asked instead."""
        hint = _DEP_HINT.fullmatch(where.strip())
        if not hint or t.level != "commune":
            return
        ref, said = self.q.ref, hint.group(2).upper()
        dep = ref.departement_of(t.id)
        if dep is None or dep.code == said:
            return
        same = [c for c in ref.lookup(hint.group(1), levels=("commune",)) if c.level == "commune"]
        choices = "; ".join(
            f"« {c.name} ({d.code}) » pour {c.name} ({d.code}, {d.name})"
            for c in same
            if (d := ref.departement_of(c.id))
        )
        raise InputError(
            f"aucune commune « {hint.group(1)} » dans le département {said} : précisez laquelle",
            where="where",
            valid=f"{choices or 'un nom de commune'} ; ou un code postal, ou un code INSEE",
        )

    def _first_commune(self, where: str) -> list:
        hits = self.q.ref.lookup(where.strip(), levels=("commune",))
        return [t for t in hits[:1] if t.level == "commune"]

    def _longer_names_of(self, where: str, same: list) -> list:
        """The communes whose official name is ``where`` followed by a hyphen and more words (« Boulogne »:
        Boulogne-Billancourt, Boulogne-sur-Mer; « Aix »: Aix-en-Provence, Aix-les-Bains), the most populous
        first, when one of them has at least as many inhabitants as the commune the name itself finds (a
        village of that name, or the commune that absorbed a former commune of that name): people shorten a
        town's name so, and answering the small commune would choose silently. A name that finds a larger
        commune (« Rennes », not Rennes-le-Château) or nothing (the unknown place's suggestions) is kept."""
        text = where.strip()
        if text.isdigit():
            return []
        ref = self.q.ref
        hint = _DEP_HINT.fullmatch(text)
        if hint:  # « Boulogne (62) »: asked only when the name finds no commune of that département
            name, dep = hint.group(1), hint.group(2).upper()
            found = self._first_commune(text)
            if found and (d := ref.departement_of(found[0].id)) is not None and d.code == dep:
                return []
            longer = self._longer_index().get(place_key(name), ())
            return [t for t in longer if (d := ref.departement_of(t.id)) is not None and d.code == dep][
                :_LONGER_SHOWN
            ]
        longer = self._longer_index().get(place_key(text), ())
        if not longer:
            return []
        found = same or self._first_commune(text)
        if not found:
            return []
        floor = max(ref.population(t.id) for t in found)
        taken = {t.id for t in found}
        bigger = [t for t in longer if t.id not in taken and ref.population(t.id) >= max(floor, 1)]
        return sorted(bigger, key=lambda t: -ref.population(t.id))[:_LONGER_SHOWN]

    def _longer_index(self) -> dict[str, list]:
        """Each hyphen-bounded beginning of a commune's official name (place_key) -> the communes so named,
        made once per matcher (about 40,000 keys)."""
        if self._longer is None:
            index: dict[str, list] = {}
            for t in self.q.ref.communes():
                parts = t.name.split("-")
                for i in range(1, len(parts)):
                    index.setdefault(place_key("-".join(parts[:i])), []).append(t)
            self._longer = index
        return self._longer

    def _short_form_of(self, where: str) -> list:
        """The commune named exactly ``where`` and those whose short form it is (territory_aliases.toml:
        « Évry », a village of the Yonne and the short form of Évry-Courcouronnes), when both exist: whatever
        the populations, answering either would choose silently what the name leaves open."""
        text = where.strip()
        if _DEP_HINT.fullmatch(text):
            return []
        communes = [t for t in self.q.ref.lookup(text, levels=("commune",)) if t.level == "commune"]
        key = place_key(text)  # « Evry » typed without its accent is the same question
        own = [t for t in communes if place_key(t.name) == key]
        short = [t for t in communes if (key, t.id) in self._short_forms]
        return [*own, *short] if own and short else []

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
