"""Matching a person with dispositifs, and the dispositifs themselves."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


class MatchFacade:
    """Mixed into :class:`api.service.Service`, whose state (settings, store, knowledge, answers) it uses."""

    def match(
        self,
        *,
        age: int | None = None,
        statuses: list[str] | None = None,
        where: str | None = None,
        needs: list[str] | None = None,
        facts: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        from graph.match import Profile, matcher_for

        profile = Profile(
            age=age,
            statuses=list(statuses or []),
            where=where,
            needs=list(needs or []),
            facts=dict(facts or {}),
        )
        facts_key = repr(sorted(profile.facts.items()))
        key = (age, sorted(profile.statuses), where, sorted(profile.needs), facts_key)
        # as Service._answer, with the knowledge base read once (each read checks the store's generation)
        kb = self.knowledge
        return self.answers.get(
            kb, ("match", repr(key)), lambda: matcher_for(kb.queries, self.store.lines).match(profile)
        )

    def match_ready(self) -> bool:
        """Whether a match is answered without building anything long: the store is open, the knowledge base
        and its queries built (the first match otherwise builds them, which takes seconds)."""
        cache = self.__dict__.get("knowledge_cache")
        kb = cache.current if cache is not None else None
        return "store" in self.__dict__ and kb is not None and "queries" in kb.__dict__

    def dispositifs(self) -> dict[str, Any]:
        return self.knowledge.queries.dispositifs()

    def dispositif(self, dispositif_id: str) -> dict[str, Any]:
        return self.knowledge.queries.dispositif(dispositif_id)
