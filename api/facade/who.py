"""Who does what where, and the actors."""

from __future__ import annotations

import logging
from typing import Any

from api.lookups import actor_list
from ingest.errors import InputError

log = logging.getLogger(__name__)


class WhoFacade:
    """Mixed into :class:`api.service.Service`, whose state (settings, store, knowledge, answers) it uses."""

    def who(
        self,
        *,
        what: str | None = None,
        where: str | None = None,
        theme: str | None = None,
        include_generic: bool = False,
        mentioned: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> dict[str, Any]:
        if limit is not None and limit < 1:
            raise InputError(f"limit must be at least 1, got {limit}", where="limit", valid="1 or more")
        if offset < 0:
            raise InputError(f"offset must be 0 or more, got {offset}", where="offset", valid="0 or more")
        if not (what or where or theme):
            raise InputError(
                "say what, where or which theme",
                where="what/where/theme",
                valid="--what TEXT, --where PLACE and/or --theme SLUG",
            )
        return self._answer(
            "who",
            lambda: self.knowledge.queries.who(
                what=what,
                where=where,
                theme=theme,
                include_generic=include_generic,
                mentioned=mentioned,
                limit=limit,
                offset=offset,
            ),
            what,
            where,
            theme,
            include_generic,
            mentioned,
            limit,
            offset,
        )

    def actors(self, name: str | None = None) -> dict[str, Any]:
        """Actors with their kind, aliases, lineage and every resolution decision (the merge log)."""
        return actor_list(self.knowledge, name)
