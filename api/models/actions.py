"""Pages of actions and the health answer."""

from __future__ import annotations

from pydantic import Field

from api.models.base import Body
from graph.actions_export import ActionRow


class ActionPage(Body):
    total: int = Field(description="Actions matching the filters.")
    limit: int
    offset: int
    items: list[ActionRow]


class Health(Body):
    status: str = Field(examples=["ok"])
    documents: int
    actions: int
    store: str | None = Field(None, description="The store's random id: tells two data directories apart.")
    generation: int | None = Field(
        None, description="The store generation the knowledge base being served was built from."
    )
    store_generation: int | None = Field(
        None, description="The store's generation now (bumped by every write)."
    )
    answers: str | None = Field(
        None, description="A digest of the settings and reference files the answers depend on."
    )
