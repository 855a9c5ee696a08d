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
    ) -> dict[str, Any]:
        if not (what or where or theme):
            raise InputError(
                "say what, where or which theme",
                where="what/where/theme",
                valid="--what TEXT, --where PLACE and/or --theme SLUG",
            )
        return self._answer(
            "who",
            lambda: self.knowledge.queries.who(
                what=what, where=where, theme=theme, include_generic=include_generic
            ),
            what,
            where,
            theme,
            include_generic,
        )

    def actors(self, name: str | None = None) -> dict[str, Any]:
        """Actors with their kind, aliases, lineage and every resolution decision (the merge log)."""
        return actor_list(self.knowledge, name)
