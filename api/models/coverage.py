"""Coverage of a theme by territory."""

from __future__ import annotations

from pydantic import Field

from api.models.base import Body


class CoverageTerritory(Body):
    id: str
    name: str
    code: str | None = None


class CoverageRow(Body):
    territory: CoverageTerritory
    local: list[str] = Field(description="Ids of the actions on the territory or inside it.")
    wider: list[str] = Field(description="Ids of the actions on a territory that contains it.")


class CoverageResponse(Body):
    theme: str
    level: str
    with_: list[CoverageRow] = Field(alias="with", description="Territories with actions on the theme.")
    without: list[CoverageTerritory] = Field(description="Territories without any.")
