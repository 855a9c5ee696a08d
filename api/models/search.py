"""Search and similar actions."""

from __future__ import annotations

from pydantic import Field

from api.models.base import Body


class Passage(Body):
    text: str
    doc: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    page_start: int | None = Field(None, description="Page of the first line (paged formats only).")
    page_end: int | None = Field(None, description="Page of the last line (paged formats only).")


class LineSpan(Body):
    line_start: int
    line_end: int


class Why(Body):
    """Why a result is relevant, beside its rank."""

    matched_words: list[str] = Field(
        description="Words of the query found in the passage (stems, no accents)."
    )
    themes: list[str] = Field(description="The action's themes that the query or a filter names.")
    places: list[str] = Field(description="The action's territories that the query or a filter names.")
    dispositifs: list[str] = Field(description="The action's dispositifs that the query or a filter names.")
    publics: list[str] = Field(description="The action's publics that the query or a filter names.")
    passage_type: str | None = Field(
        None, description="For a passage: diagnostic, edito, glossaire, gouvernance, annexe… or texte."
    )
    scope: str | None = Field(None, description="With a territory filter: local or wider.")
    summary: str = Field(description="The same in one French sentence, for a reader.")


class SearchResult(Body):
    id: str
    type: str = Field(
        description="action, passage (a section of a document that is no action), dispositif or actor."
    )
    title: str
    doc: str | None = None
    ref: str | None = None
    region: str | None = None
    score: float = Field(description="Fused reciprocal-rank score (higher is better).")
    passage: Passage = Field(description="The best matching passage, with its place in the document.")
    territories: list[str] | None = Field(None, description="An action's territories (names).")
    pilots: list[str] | None = Field(None, description="An action's pilots (names).")
    definition: str | None = Field(None, description="A dispositif's definition.")
    scope: str | None = Field(
        None, description="With a territory: local, or wider when the action covers a larger territory."
    )
    passage_type: str | None = Field(
        None, description="A passage's type: diagnostic, edito, glossaire, gouvernance, annexe… or texte."
    )
    heading_path: list[str] | None = Field(None, description="A passage's headings, outermost first.")
    section: LineSpan | None = Field(None, description="A passage's whole section in its document.")
    why: Why | None = Field(
        None, description="Why it is relevant: matched words, themes, places, dispositifs."
    )


class SearchResponse(Body):
    query: str
    results: list[SearchResult]


class Explanation(Body):
    themes: list[str] = Field(description="Themes both actions have (labels).")
    dispositifs: list[str] = Field(description="Dispositifs both actions mobilise (labels).")
    publics: list[str] = Field(description="Publics both actions target (labels).")
    cosine: float = Field(description="Cosine similarity of the best pair of passages.")
    passages: list[Passage] | None = Field(
        None, description="The best pair of passages: the action's own, then the other's."
    )


class SimilarResult(Body):
    id: str
    type: str = Field(description="action.")
    title: str
    doc: str | None = None
    ref: str | None = None
    region: str | None = None
    score: float = Field(description="Fused reciprocal-rank score (higher is better).")
    same_action: bool
    explanation: Explanation = Field(description="Shared themes, dispositifs, publics; best passage pair.")


class SimilarResponse(Body):
    id: str
    scope: str
    results: list[SimilarResult] = Field(
        description="Similar actions in the scope (other regions by default)."
    )
    same_action: list[SimilarResult] = Field(description="The same action retold in another document.")
