"""Graph neighbourhoods and the list of exports."""

from __future__ import annotations

from pydantic import Field

from api.models.base import Body


class GraphNode(Body):
    id: str
    label: str
    type: str | None = None


class GraphEdge(Body):
    source: str
    target: str
    kind: str


class Neighbourhood(Body):
    center: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class PlacedNode(GraphNode):
    x: float
    y: float
    degree: int


class WholeGraph(Body):
    nodes: list[PlacedNode]
    edges: list[GraphEdge]
    truncated: bool = Field(description="True when the busiest nodes only are kept.")


class ExportInfo(Body):
    name: str = Field(examples=["gexf"])
    media_type: str
    suffix: str = Field(examples=[".gexf"])
    description: str
    url: str = Field(examples=["/export/gexf"])


class ExportList(Body):
    items: list[ExportInfo]
