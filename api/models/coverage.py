"""Coverage of a theme or a dispositif by territory, and the vocabularies (themes, publics)."""

from __future__ import annotations

from pydantic import Field

from api.models.base import Body


class CoverageTerritory(Body):
    id: str
    name: str
    code: str | None = None
    region: str | None = Field(None, description="Code of the région of a département.")


class CoverageRow(Body):
    territory: CoverageTerritory
    local: list[str] = Field(description="Ids of the actions on the territory or inside it.")
    wider: list[str] = Field(description="Ids of the actions on a territory that contains it.")


class CoverageResponse(Body):
    theme: str | None = Field(None, description="Theme slug, when the coverage is a theme's.")
    dispositif: str | None = Field(None, description="Dispositif id, when the coverage is a dispositif's.")
    label: str = Field(description="French label of the theme or the dispositif.")
    level: str
    with_: list[CoverageRow] = Field(alias="with", description="Territories with actions on the theme.")
    without: list[CoverageTerritory] = Field(description="Territories without any (inhabited ones only).")
    titles: dict[str, str] = Field(description="Title of every action listed, by id.")


class Concept(Body):
    slug: str
    label: str
    definition: str | None = None
    broader: list[str] = Field(description="Slugs of the broader concepts.")
    actions: int = Field(description="Actions of the knowledge graph with this concept.")


class ConceptList(Body):
    scheme: str = Field(examples=["theme"])
    label: str = Field(examples=["thèmes"])
    items: list[Concept]


class LibraryDocument(Body):
    id: str
    title: str
    issuer: str | None = None
    period: str | None = Field(None, description="Year, or first-last year, of the plan.")
    display: str = Field(description="How the page names it: title (issuer, period).")


class Library(Body):
    items: list[LibraryDocument]
