"""Where an actor belongs: the territory written with a name ("CAF 27", "le préfet de l'Hérault"), the
document's when none is written (a DROM région standing for its département), and the collectivity a name
stands for ("Ville d'Agde", "Collectivité de Corse", "Seine Normandie Agglomération"). A part of
graph.actors.ActorResolver (its `ref`, `lexicon` and `collectivity_prefixes`)."""

from __future__ import annotations

import re

from graph.actor_model import DocContext, LexiconEntry
from graph.territories import Referential, Territory
from ingest.text import fold


class ActorPlaces:
    ref: Referential
    lexicon: dict[str, LexiconEntry]
    collectivity_prefixes: dict[str, str]

    def _names_territory(self, words: list[str]) -> bool:
        """'de l'Hérault', 'du Calvados', 'Normandie': the words after a function name a département or a
        région."""
        tail = re.sub(r"^(?:de\s+l'|de\s+la\s+|du\s+|des\s+|de\s+|d'|en\s+)", "", " ".join(words), flags=re.I)
        return bool(tail) and bool(self.ref.lookup(tail, levels=("region", "departement")))

    def _territory_for(
        self, entry: LexiconEntry, written: Territory | None, ctx: DocContext | None
    ) -> Territory | None:
        if written is not None:
            return self._sole_departement(written) if entry.level == "departement" else written
        if ctx is None:
            return None
        if entry.level in ("departement", "epci") and ctx.department is not None:
            return ctx.department
        home = ctx.region or ctx.department
        return self._sole_departement(home) if home and entry.level == "departement" else home

    def _sole_departement(self, territory: Territory) -> Territory:
        """A région of one département (a DROM: La Réunion) stands for that département for an organisation
        of the département level (the CAF of La Réunion is the CAF of département 974)."""
        if territory.level != "region":
            return territory
        deps = self.ref.descendants(territory.id, "departement")
        return (self.ref.get(deps[0]) or territory) if len(deps) == 1 else territory

    def commune_named(self, name: str, ctx: DocContext) -> Territory | None:
        """The territory of a name written as a collectivity prefix then a place ("Ville d'Agde"; prefixes
        are data: aliases.toml [[collectivity]]), the document's département and région first."""
        folded = fold(name.strip())
        for prefix, level in self.collectivity_prefixes.items():
            rest = name.strip()[len(prefix) :].strip()
            if (
                not folded.startswith(prefix)
                or not rest
                or (prefix[-1].isalpha() and folded[len(prefix)] != " ")
            ):
                continue
            hits = self.ref.lookup(
                rest,
                levels=(level,),
                prefer_region=ctx.region.code if ctx.region else None,
                prefer_departement=ctx.department.code if ctx.department else None,
            )
            if hits:
                return hits[0]
        return None

    def _as_collectivity(self, name: str, ctx: DocContext) -> Territory | None:
        commune = self.commune_named(name, ctx)
        if commune is not None:
            return commune
        if not re.search(
            r"\b(?:communaut[ée]s?|agglom[ée]ration|m[ée]tropole|ville|portes|pays|syndicat)\b|^[A-Z]{2,5}$"
            r"|(?-i:^[A-Z]{6,8}$)"  # an EPCI's acronym in capitals ("CIREST")
            r"|(?-i:^(?:CA|CC|CU)\s)",  # its kind abbreviated ("CA Maubeuge Val de Sambre")
            name,
            re.I,
        ):
            return None
        hits = self.ref.lookup(
            name,
            levels=("epci", "commune"),
            prefer_region=ctx.region.code if ctx.region else None,
            prefer_departement=ctx.department.code if ctx.department else None,
        )
        if not hits:
            bare = re.sub(
                r"^(?:agglom[ée]ration|communaut[ée]s?\s+(?:d'agglom[ée]ration|de\s+communes|urbaine))\s+(?:de\s+|du\s+|d')?",
                "",
                name,
                flags=re.I,
            )
            if bare != name:
                hits = self.ref.lookup(bare, levels=("epci",))
        return hits[0] if hits and hits[0].level == "epci" else None
