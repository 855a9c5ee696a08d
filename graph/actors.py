"""Actors: organisation mentions resolved to one node per organisation, every decision logged.

Order of rules, first that applies wins: the curator's alias file; a territorial suffix split off
("Pôle Emploi Normandie" = Pôle emploi + branch Normandie, "CAF 27" = CAF of département 27); the lexicon
(`data/actors.toml`: names, acronyms, expansions, lineage); the document's own glossary ("ARML" → its
expansion); a collectivity that is itself a territory ("Seine Normandie Agglomération" → its EPCI); fuzzy
matching against the lexicon for typos ("Directe", "DIRRECTE"); otherwise a new actor keyed by its name.
Territorial organisations are one actor per territory: the Conseil régional of a Normandie plan is not that of
Pays de la Loire. A missed merge is preferred to a wrong one.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from graph.actor_model import (  # noqa: F401 - re-exported: the names other modules import from here
    DATA,
    GENERIC,
    Actor,
    Aliases,
    Decision,
    DocContext,
    LexiconEntry,
    _is_separate,
    _key,
    _kind_of,
    _looks_like_acronym,
    _split_acronym,
    load_aliases,
    load_lexicon,
)
from graph.actor_places import ActorPlaces
from graph.territories import Referential, Territory
from ingest.orgs import spelled_in
from ingest.text import fold, slug

log = logging.getLogger(__name__)
_LOWER_ARTICLE = re.compile(r"(?:la|le|les)\s+|l['’]\s*")


@functools.lru_cache(maxsize=1)
def _network_heads() -> frozenset[str]:
    from ingest.mentions.extract import default_lexicon  # the mentions pass's data, read once

    return frozenset(fold(w) for w in default_lexicon().own_names)


class ActorResolver(ActorPlaces):
    def __init__(
        self,
        referential: Referential,
        lexicon: tuple[LexiconEntry, ...],
        aliases: Aliases = ({}, []),
    ):
        self.ref = referential
        self.lexicon = {e.key: e for e in lexicon}
        self.merges, self.separate = aliases[0], aliases[1]
        self.collectivity_prefixes: dict[str, str] = aliases[2] if len(aliases) > 2 else {}
        self.index: dict[str, str] = {}
        for e in self.lexicon.values():
            for name in (e.name, e.acronym, e.expansion, *e.aliases):
                if name:
                    self.index.setdefault(_key(name), e.key)
        self._fuzzy_keys = [k for k in self.index if len(k) >= 5]
        self.functions = {fold(f): e.key for e in self.lexicon.values() for f in e.functions}
        self.department_functions = {fold(f) for e in self.lexicon.values() for f in e.department_functions}
        self.functions.update(
            {f: e.key for e in self.lexicon.values() for f in map(fold, e.department_functions)}
        )
        self._functions_longest_first = sorted(self.functions.items(), key=lambda kv: -len(kv[0]))
        self.actors: dict[str, Actor] = {}
        self.log: list[Decision] = []
        self._by_name: dict[str, str] = {}  # folded name of a non-lexicon actor -> actor id
        self._by_acronym: dict[str, str] = {}  # folded acronym of a non-lexicon actor -> actor id
        # per document: lexicon entry key -> (the one branch of it the document names, its territory)
        self._doc_branches: dict[str, dict[str, tuple[str, Territory]]] = {}

    # -- public ---------------------------------------------------------------------------------------------

    def institution_of(self, function: str | None, ctx: DocContext | None = None) -> str | None:
        """The name of the institution a person's function stands for ("préfet de région Normandie" -> the
        préfecture), from the lexicon's `functions` (the function as written, or followed by more words);
        None when no entry lists it. A territory written after the function is kept ("le préfet de
        l'Hérault": the préfecture of the Hérault), and a `department_functions` one ("préfet de
        département") is the document's département's."""
        if not function:
            return None
        folded = fold(function)
        for title, key in self._functions_longest_first:
            if folded == title or folded.startswith(title + " "):
                rest = function.split()[len(title.split()) :]
                name = self.lexicon[key].name
                if rest and self._names_territory(rest):
                    return f"{name} {' '.join(rest)}"
                if title in self.department_functions and ctx is not None and ctx.department is not None:
                    return f"{name} {ctx.department.name}"
                return name
        return None

    def note_branches(self, doc_id: str, names: Iterable[str], ctx: DocContext) -> None:
        """The per-document pass over the names it writes, before any is resolved: a network or a territorial
        body written with its territory (« Mission locale du Gers », « FFB Savoie ») is the one branch of it
        the document names, when it names one only; the bare name then stands for that branch (see
        `_named_branch`). Creates no actor."""
        found: dict[str, dict[str, tuple[str, Territory]]] = {}
        for written in names:
            name, acronym = _split_acronym(written.strip())
            name = self._without_article(name, ctx)
            name = self.merges.get(fold(name), name)
            base, territory, _ = self._split_territory(name, ctx)
            if territory is None:
                continue
            key, _ = self._lexicon_key(base, ctx)
            if key is None and acronym:
                key, _ = self._lexicon_key(acronym, ctx)
            if key is None:
                continue
            entry = self.lexicon[key]
            if entry.scope == "territorial" or self._member_name(key, base):
                home = (
                    self._territory_for(entry, territory, ctx) if entry.scope == "territorial" else territory
                )
                if home is not None:
                    found.setdefault(key, {}).setdefault(home.id, (written, home))
        self._doc_branches[doc_id] = {k: next(iter(v.values())) for k, v in found.items() if len(v) == 1}

    def _named_branch(
        self, entry_key: str, base: str, written: str, ctx: DocContext, context: str
    ) -> Actor | None:
        """A bare network or territorial name (« la Mission locale », « Fédération française du bâtiment »)
        in a document that names one branch of it: that branch, when the bare name would be the national
        network or a territory that holds the branch (never another département's, never a plural: « les
        missions locales » are all of them)."""
        branch = self._doc_branches.get(ctx.doc_id, {}).get(entry_key)
        if branch is None or fold(branch[0]) == fold(written) or fold(base).split()[0].endswith("s"):
            return None
        entry = self.lexicon[entry_key]
        if entry.scope == "territorial":
            home = self._territory_for(entry, None, ctx)
            if home is not None and (
                home.id == branch[1].id or not any(p.id == home.id for p in self.ref.parents(branch[1].id))
            ):
                return None
        elif fold(base) not in _network_heads():
            return None
        actor = self.resolve(branch[0], ctx, context)  # written with its territory: no branch again
        self._decide(written, ctx, actor, "branche nommée dans le document", branch[0])
        return actor

    def resolve(self, written: str, ctx: DocContext, context: str = "") -> Actor:
        """The actor a mention names. `context` (the action's text) can spell out an unknown acronym."""
        name, acronym = _split_acronym(written.strip())
        name = self._without_article(name, ctx)
        rule = ""
        if fold(name) in self.merges:
            name, rule = self.merges[fold(name)], "fichier d'alias"
        if fold(name) in ctx.reverse:  # the document's own glossary spells this name as an acronym
            name, rule = ctx.reverse[fold(name)].upper(), rule or "glossaire du document (forme développée)"
        named = self._named_collectivity(name, written, ctx, rule)  # before the generic words
        if named is not None:
            return named
        if GENERIC.match(name):
            return self._named_actor(name, acronym, written, ctx, rule)
        spelled = self._spelled(name, ctx, context)
        if spelled:
            acronym, name = name, spelled
            rule = rule or f"sigle développé par le texte de l'action ({name})"
        base, territory, qualifier = self._split_territory(name, ctx)
        entry_key, how = self._lexicon_key(base, ctx)
        if entry_key is None and acronym:
            entry_key, how = self._lexicon_key(acronym, ctx)
        if entry_key is not None and territory is not None and self._member_name(entry_key, base):
            return self._named_actor(name, acronym, written, ctx, rule or "membre d'un réseau, nom propre")
        if entry_key is not None and territory is None and not qualifier:
            branch = self._named_branch(entry_key, base, written, ctx, context)
            if branch is not None:
                return branch
        if entry_key is not None:
            actor = self._lexicon_actor(self.lexicon[entry_key], territory, ctx, qualifier)
            self._decide(
                written,
                ctx,
                actor,
                rule or how,
                f"{base!r}" + (f" + territoire {territory.name}" if territory else ""),
            )
            return actor
        return self._not_listed(name, base, acronym, territory, written, ctx, rule)

    def _not_listed(
        self,
        name: str,
        base: str,
        acronym: str | None,
        territory: Territory | None,
        written: str,
        ctx: DocContext,
        rule: str,
    ) -> Actor:
        """A name the lexicon does not hold: by the document's glossary, as a collectivity of the
        referential, else an actor of its own name."""
        expansion = ctx.glossary.get(fold(base))
        if expansion:
            key, how = self._lexicon_key(expansion, ctx)
            if key is not None:
                actor = self._lexicon_actor(self.lexicon[key], territory, ctx)
                self._decide(written, ctx, actor, "glossaire du document", f"{base} = {expansion}")
                return actor
        place = self._as_collectivity(expansion or name, ctx)
        if place is not None:
            actor = self._collectivity(place)
            actor.aliases.add(written)
            self._decide(
                written, ctx, actor, rule or "collectivité du référentiel", f"{place.level} {place.code}"
            )
            return actor
        actor = self._named_actor(
            expansion or name, acronym or (base if expansion else None), written, ctx, rule
        )
        return actor

    def successors(self) -> None:
        """Make sure every successor named by the lexicon has its node (France Travail even if no text
        names it)."""
        for actor in list(self.actors.values()):
            if actor.successor and actor.successor not in self.actors:
                entry_key = actor.successor.removeprefix("actor:").split("--")[0]
                entry = self.lexicon[entry_key]
                territory = (
                    self.ref.get(actor.territory)
                    if actor.territory and entry.scope == "territorial"
                    else None
                )
                self._lexicon_actor(entry, territory, None)

    # -- rules ----------------------------------------------------------------------------------------------

    def _without_article(self, name: str, ctx: DocContext) -> str:
        """'la CAF de la Savoie', "l'ARS" (a row writes the article): the lexicon's organisation without its
        lower-case article, when what follows is one (« La Poste », capitalised, keeps it)."""
        m = _LOWER_ARTICLE.match(name)
        if not m or not name[m.end() :].strip():
            return name
        rest = name[m.end() :]
        return rest if self._lexicon_key(self._split_territory(rest, ctx)[0], ctx)[0] is not None else name

    def _spelled(self, name: str, ctx: DocContext, context: str) -> str | None:
        """An acronym no lexicon or glossary knows, spelled out by the action's text."""
        known = fold(name) in ctx.glossary or _key(name) in self.index
        if not context or known or not _looks_like_acronym(name):
            return None
        spelled = spelled_in(name, context)
        return spelled[0] if spelled else None

    def _named_collectivity(self, name: str, written: str, ctx: DocContext, rule: str) -> Actor | None:
        """'Ville d'Agde', 'Collectivité de Corse': a collectivity prefix then a territory's name."""
        place = self.commune_named(name, ctx)
        if place is None:
            return None
        actor = self._collectivity(place)
        actor.aliases.add(written)
        self._decide(written, ctx, actor, rule or "collectivité du référentiel", place.id)
        return actor

    def _member_name(self, entry_key: str, base: str) -> bool:
        """'Mission locale Nord': a member of a national network written with a place is that member's own
        name, not a branch of the network (`own_names` of ingest/data/role_cues.toml, singular forms)."""
        folded = fold(base)
        return (
            self.lexicon[entry_key].scope == "national"
            and folded in _network_heads()
            and not folded.split()[0].endswith("s")
        )

    def _lexicon_key(self, name: str, ctx: DocContext) -> tuple[str | None, str]:
        k = _key(name)
        if k in self.index:
            return self.index[k], "lexique"
        if len(k) >= 5 and self._fuzzy_keys:
            # a short name is one letter from many others ("Inseme" and "INSEE"): it must be closer
            cutoff = 85 if len(k) >= 7 else 95
            best = process.extractOne(k, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=cutoff)
            if best and not _is_separate(self.separate, k, best[0]):
                return self.index[best[0]], f"correspondance approchée {best[1]:.0f}/100 avec {best[0]!r}"
        return None, ""

    def _split_territory(self, name: str, ctx: DocContext) -> tuple[str, Territory | None, str | None]:
        """'CAF 27' -> ('CAF', Eure, None); 'Pôle Emploi Normandie' -> ('Pôle Emploi', Normandie, None);
        'PLIE PAN' -> ('PLIE', None, "Pays d'Auge Nord") when the qualifier has no official code."""
        m = re.match(r"^(.*?)\s+(\d{2,3}|2[AB])$", name)
        if m:
            dep = self.ref.lookup(m.group(2), levels=("departement",))
            if dep:
                return m.group(1), dep[0], None
        tokens = name.split()
        for i in range(1, min(len(tokens), 12)):  # "Chambre de métiers et de l'artisanat" + "de l'Hérault"
            head, tail = " ".join(tokens[:i]), " ".join(tokens[i:])
            tail = re.sub(r"^(?:de\s+l'|de\s+la\s+|du\s+|des\s+|de\s+|d'|en\s+)", "", tail, flags=re.I)
            if not tail or not (
                _key(head) in self.index
                or _looks_like_acronym(head)
                or (i == 1 and self._lexicon_key(head, ctx)[0] is not None)
            ):
                continue
            entry = self.lexicon.get(self.index.get(_key(head)) or self._lexicon_key(head, ctx)[0] or "")
            # an EPCI-level organisation, or a branch of a national one ("l'agence France Travail de X")
            levels = (
                ("region", "departement", "epci", "commune")
                if entry and (entry.level == "epci" or entry.scope == "national")
                else ("region", "departement")
            )
            expanded = ctx.glossary.get(fold(tail), tail)
            found = self.ref.lookup(expanded, levels=levels)
            if found:
                return head, found[0], None
            if entry and entry.level == "epci":
                return head, None, expanded
        return name, None, None

    def _lexicon_actor(
        self,
        entry: LexiconEntry,
        territory: Territory | None,
        ctx: DocContext | None,
        qualifier: str | None = None,
    ) -> Actor:
        if entry.scope == "territorial" and qualifier and territory is None:
            actor_id = f"actor:{entry.key}--{slug(qualifier, 40)}"
            if actor_id not in self.actors:
                self.actors[actor_id] = Actor(
                    actor_id,
                    f"{entry.name} ({qualifier})",
                    entry.kind,
                    entry.key,
                    entry.acronym,
                    entry.expansion,
                    lexicon=True,
                )
            return self.actors[actor_id]
        if entry.scope == "territorial":
            home = self._territory_for(entry, territory, ctx)
            actor_id = f"actor:{entry.key}" + (f"--{home.level}-{home.code}" if home else "")
            name = (
                entry.template.format(territory=home.name)
                if entry.template and home
                else (f"{entry.name} ({home.name})" if home else entry.name)
            )
        else:
            home, actor_id, name = None, f"actor:{entry.key}", entry.name
        actor = self.actors.get(actor_id)
        if actor is None:
            successor = None
            if entry.successor:
                succ = self.lexicon[entry.successor]
                successor = f"actor:{succ.key}" + (
                    f"--{home.level}-{home.code}" if home and succ.scope == "territorial" else ""
                )
            actor = Actor(
                actor_id,
                name,
                entry.kind,
                entry.key,
                entry.acronym,
                entry.expansion,
                territory=home.id if home else None,
                successor=successor,
                successor_since=entry.since,
                generic=entry.generic,
                lexicon=True,
            )
            self.actors[actor_id] = actor
        if entry.scope == "national" and territory is not None:
            actor.branches.add(territory.name)
        return actor

    def collectivity_of(self, place: Territory) -> Actor:
        """The collectivity of a territory as an actor (an EPCI named by its territory's name)."""
        return self._collectivity(place)

    def _collectivity(self, place: Territory) -> Actor:
        if place.level in ("region", "departement") and place.level in self.lexicon:
            return self._lexicon_actor(self.lexicon[place.level], place, None)  # "Collectivité de Corse"
        actor_id = f"actor:collectivite--{place.level}-{place.code}"
        if actor_id not in self.actors:
            self.actors[actor_id] = Actor(
                actor_id, place.name, "collectivité", f"collectivite-{place.code}", territory=place.id
            )
        return self.actors[actor_id]

    def _named_actor(self, name: str, acronym: str | None, written: str, ctx: DocContext, rule: str) -> Actor:
        generic = bool(GENERIC.match(name))
        folded = fold(name)
        existing = self._by_name.get(folded)
        detail = ""
        if existing is None and acronym and fold(acronym) in self._by_acronym:
            existing, detail = self._by_acronym[fold(acronym)], f"même sigle {acronym}"
        if existing is None and not generic and len(folded) >= 8:
            best = process.extractOne(
                folded, list(self._by_name), scorer=fuzz.token_sort_ratio, score_cutoff=95
            )
            if (
                best
                and best[0].split()[0] == folded.split()[0]
                and not _is_separate(self.separate, folded, best[0])
            ):
                existing, detail = self._by_name[best[0]], f"approché {best[1]:.0f}/100 de {best[0]!r}"
        if existing:
            actor = self.actors[existing]
            actor.aliases.add(written)
            self._decide(written, ctx, actor, rule or ("même nom" if not detail else "nom approché"), detail)
            return actor
        actor_id = "actor:" + slug(name, 60)
        while actor_id in self.actors:
            actor_id += "-bis"
        kind = "collectif" if generic else _kind_of(name, acronym)
        actor = Actor(
            actor_id,
            name,
            kind,
            slug(name),
            acronym=acronym,
            aliases={written},
            generic=generic,
            expansion=name if acronym else None,
        )
        self.actors[actor_id] = actor
        self._by_name[folded] = actor_id
        if acronym:
            self._by_acronym.setdefault(fold(acronym), actor_id)
        self._decide(written, ctx, actor, rule or "nouvel acteur", "catégorie générique" if generic else "")
        return actor

    def _decide(self, written: str, ctx: DocContext, actor: Actor, rule: str, detail: str = "") -> None:
        actor.aliases.add(written)
        self.log.append(Decision(written, ctx.doc_id, actor.id, rule, detail))
