"""The base of every body and the one error shape."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    """A body whose every field is declared."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ErrorBody(BaseModel):
    """The one error shape of qfq."""

    error: str = Field(description="Error class, e.g. InputError, NotFound.", examples=["InputError"])
    message: str = Field(description="What was wrong.", examples=["lieu inconnu 'Atlantide'"])
    where: str | None = Field(None, description="Which parameter, file or line.", examples=["where"])
    valid: str | None = Field(None, description="What is valid instead.")
