"""Edges from the mentions of an action's prose (`ActionRecord.mentions`): organisations with the role their
sentence or layout gives them, places as perimeter or mentioned, each with its quote, line, page, confidence
and source.

Rules (generic, no name in code):
- a labelled row outranks a sentence: an organisation already a row's pilot or partner of the action gets no
  edge from the prose; the CONTACTS organisation of an action is its pilot (source "layout") unless a row
  names the pilot, when it is a contact;
- a mention with no role cue is "mentioned" (edge `mentions`), never a pilot, and only for names the
  gazetteer knows (what the NER alone proposes without a cue is too often a heading word);
- a person with a role stands for the institution of their function when the lexicon lists that function
  (`functions` in actors.toml: "présidé par le préfet de région" is the préfecture's), and only when no row
  names the action's pilot or partners (a row outranks a sentence);
- a place is a perimeter only inside the action's région and, when rows name the action's places, only
  inside one of them; otherwise it is "mentioned". Places that no referential entry codes are left out;
- an organisation written as a collectivity of a commune ("Ville de X", prefixes in aliases.toml) is also
  that commune as a place: a perimeter when the organisation acts (pilot, partner, funder, operator); an
  EPCI that acts is a perimeter only when the action names no place of its own (rows or prose).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graph.actors import ActorResolver, DocContext
from graph.linking import TerritoryLinker
from graph.territories import Referential
from ingest.records import ActionRecord, MentionRecord
from ingest.text import fold

# role as the text gives it -> edge kind
ROLE_EDGES = {
    "pilot": "piloted_by",
    "partner": "partner",
    "funder": "funded_by",
    "operator": "operator",
    "public": "beneficiary",
    "contact": "contact",
    "mentioned": "mentions",
}
# edge kind -> its French label (what users read)
ROLE_LABELS = {
    "piloted_by": "pilote",
    "partner": "partenaire",
    "funded_by": "financeur",
    "operator": "opérateur",
    "beneficiary": "public",
    "contact": "contact",
    "mentions": "cité",
}
ACTOR_EDGES = tuple(ROLE_LABELS)
ROW_ROLES = frozenset({"piloted_by", "partner"})
# roles of an organisation that acts in the action: a commune acting there ("la Ville de X") is a perimeter
ACTING_ROLES = frozenset({"pilot", "partner", "funder", "operator"})
ACTING_EDGES = frozenset(ROLE_EDGES[r] for r in ACTING_ROLES)
QUOTE_MAX = 300
_QUOTED = re.compile(r"[«“\"]\s*([^»”\"]+?)\s*[»”\"]")
_PLURAL_COMMON = re.compile(r"^(?:les\s+|des\s+)?\w+[sx]\b")  # a plural first word, article aside
SHORTEST_NAME = 3  # characters: a shorter name the gazetteer does not know is a parse fragment ("UD")

Edge = Callable[..., None]


def cut(text: str, limit: int = QUOTE_MAX) -> str:
    """A quote on one line, cut at a word boundary when longer than `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 2]
    return (head.rsplit(" ", 1)[0] if " " in head else head) + " …"


def quote_around(text: str, name: str, limit: int = QUOTE_MAX) -> str:
    """The text on one line, cut at word boundaries to at most `limit` characters around the first place
    it names `name` (accents and case aside), so that the quote always shows the name."""
    text = " ".join(text.split())
    at = fold(text).find(fold(name)) if name else -1
    if len(text) <= limit or at < 0:
        return cut(text, limit)
    start = max(0, at - limit // 3)
    if start:
        start = text.find(" ", start - 1) + 1 or start
    return ("… " if start else "") + cut(text[start:], limit)


def organisation_name(surface: str) -> str:
    """The name of an organisation written with its kind before a quoted name: 'l'association « Roues
    Libres »' is 'Roues Libres' (the same organisation its CONTACTS block writes without the quotes)."""
    quoted = _QUOTED.search(surface)
    if quoted and len(quoted.group(1).split()) >= 2:
        return quoted.group(1).strip()
    return surface


def _evidence(m: MentionRecord) -> dict[str, Any]:
    return {
        "line_start": m.line,
        "line_end": m.line,
        "page": m.page,
        "quote": quote_around(m.quote, m.surface),
        "written": m.surface,
        "role": m.role,
        "confidence": m.confidence,
        "cue": m.cue,
    }


def _another_role(kind: str, drawn: set[str]) -> bool:
    """Whether the prose may give an organisation a second role: funding or operating beside piloting or
    partnering ("Référente : … à la CAF", then "financée par la CAF"), never pilot and partner both."""
    if kind not in ACTING_EDGES or not drawn <= ACTING_EDGES:
        return False
    return not (kind in ROW_ROLES and drawn & ROW_ROLES)


@dataclass
class RoleEdges:
    """The prose edges of one action, given the edges its rows already drew."""

    resolver: ActorResolver
    referential: Referential
    edge: Edge

    def organisations(
        self, node: str, a: ActionRecord, ctx: DocContext, existing: set[tuple[str, str]]
    ) -> int:
        """action -role-> actor for the organisations of the prose; returns how many edges were drawn."""
        row_actors = {actor for actor, kind in existing if kind in ROW_ROLES}
        linked = {actor for actor, _ in existing}
        rows: dict[int, list[str]] = {}
        for o in [*a.pilots, *a.partners]:
            rows.setdefault(o.line, []).append(fold(o.name))
        n = 0
        prose: dict[str, set[str]] = {}  # actor id -> the edge kinds the prose drew to it
        # the CONTACTS block first, then the roles of the sentences, then the names with no role
        order = sorted(a.mentions, key=lambda m: (m.block_kind != "contacts", m.role == "mentioned"))
        for m in order:
            written = self._written(m, a, rows, ctx)
            if written is None:
                continue
            role, source = m.role, "sentence"
            if m.block_kind == "contacts":
                source = "layout"
                role = "contact" if a.pilots else role
            place = self._collectivity_key(m)
            actor = (
                self.resolver.collectivity_of(place)
                if place
                else self.resolver.resolve(written, ctx, a.context)
            )
            kind = ROLE_EDGES.get(role)
            if kind is None or actor.generic or actor.id in row_actors:
                continue
            if actor.id in prose and not _another_role(kind, prose[actor.id]):
                continue
            if (actor.id, kind) in existing or (kind == "mentions" and actor.id in linked):
                continue
            evidence = {**_evidence(m), "role": role}
            self.edge(node, actor.id, kind, doc=a.doc, evidence_source=source, **evidence)
            existing.add((actor.id, kind))
            linked.add(actor.id)
            prose.setdefault(actor.id, set()).add(kind)
            n += 1
        return n

    def _written(
        self, m: MentionRecord, a: ActionRecord, rows: dict[int, list[str]], ctx: DocContext
    ) -> str | None:
        """The organisation name a mention gives the action, or None: an organisation of the prose (a name
        with no role only when the gazetteer knows it), or the institution of a person's function that has
        a role when no row names the action's pilot or partners ("présidé par le préfet de région"), or else
        the organisation written in that function ("présidé par le président du Conseil régional")."""
        if m.kind == "person":
            if a.pilots or a.partners or m.role not in ACTING_ROLES:
                return None
            return self.resolver.institution_of(m.function, ctx) or (
                organisation_name(m.affiliation) if m.affiliation else None
            )
        if m.kind != "org" or (m.role == "mentioned" and m.source != "gazetteer"):
            return None
        if m.source != "gazetteer" and len(m.surface.strip()) < SHORTEST_NAME:
            return None
        if m.source != "gazetteer" and _PLURAL_COMMON.match(m.surface) and m.surface.islower():
            return None  # "les agences d'intérim": things of a kind, not one organisation
        if any(fold(m.surface) in name for name in rows.get(m.line, ())):
            return None  # a piece of an organisation its row already names ('Mission locale' of 'Mission
            # locale du Bocage')
        return organisation_name(m.surface)

    def places(
        self,
        node: str,
        a: ActionRecord,
        linker: TerritoryLinker,
        ctx: DocContext,
        row_places: set[str],
        territory_node: Callable[[Any, str], str],
    ) -> int:
        """action -in-> territory (perimeter) or -mentions-> territory; returns the perimeters drawn."""
        seen = set(row_places)
        # a place of the title is no row: it does not bound the perimeters of the prose
        written = {linker.link(t.name, t.excluded, a.context).id for t in a.territories if t.source == "text"}
        bounds = {p for p in row_places if p not in written}
        perimeters = 0
        linked_of = [(m, self._place_of(m, linker, a, ctx)) for m in a.mentions]
        # places of its own: an EPCI that acts is then an organisation only, not the perimeter too
        own = bool(row_places) or any(
            m.kind == "place" and m.role == "perimeter" and t is not None and t.id for m, t in linked_of
        )
        for m, linked in linked_of:
            if linked is None or not linked.id or linked.id in seen:
                continue
            inside = self._within(linked.id, ctx.region.id if ctx.region else None)
            if not inside and m.surface.isupper():
                continue  # capitals far from the action ("COURS", "LA RÉUNION DE …"): a heading, not a place
            role = m.role
            if m.kind == "org" and m.role in ACTING_ROLES:  # a collectivity that acts is its territory too
                role = "mentioned" if own and linked.level == "epci" else "perimeter"
            if role == "perimeter" and not (
                inside and (not bounds or any(self._within(linked.id, p) for p in bounds))
            ):
                role = "mentioned"
            target = territory_node(linked, a.doc)
            kind = "in" if role == "perimeter" else "mentions"
            evidence = {**_evidence(m), "role": role}
            self.edge(node, target, kind, doc=a.doc, evidence_source="sentence", **evidence)
            seen.add(linked.id)
            perimeters += kind == "in"
        return perimeters

    def _collectivity_key(self, m: MentionRecord):
        """The territory of an organisation the text names by its territory's name (an EPCI, a commune)."""
        if m.kind != "org" or not m.key or ":" not in m.key:
            return None
        t = self.referential.get(m.key)
        return t if t is not None and t.level in ("epci", "commune") else None

    def _place_of(self, m: MentionRecord, linker: TerritoryLinker, a: ActionRecord, ctx: DocContext):
        """The territory of a place mention, or of an organisation that is a commune ("Ville d'Agde")."""
        if m.kind == "place":
            known = self.referential.get(m.key) if m.key and ":" in m.key else None
            if known is not None and (
                fold(known.name).endswith(" " + fold(m.surface)) or known.code == m.surface.strip()
            ):  # a département by its number (« dans le 93 »)
                return linker.linked_to(known)  # « au Lamentin »: Le Lamentin, read with its article
            return linker.link(m.surface, False, a.context)
        place = self._collectivity_key(m)
        if place is not None:
            return linker.linked_to(place)
        if m.kind == "org":
            commune = self.resolver.commune_named(organisation_name(m.surface), ctx)
            # a commune or an EPCI, not a région ("Collectivité de Corse")
            local = commune is not None and commune.level in ("commune", "epci")
            return linker.linked_to(commune) if local else None
        return None

    def _within(self, territory_id: str, container: str | None) -> bool:
        """Whether a territory is the container or inside it (True when there is no container)."""
        if container is None or territory_id == container:
            return True
        return any(p.id == container for p in self.referential.parents(territory_id))
