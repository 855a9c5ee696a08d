"""Matching a person with dispositifs and local actions."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from api.models.base import Body
from api.models.who import ActorSummary, DocumentSummary

FactValue = (
    bool | int | float | Annotated[str, Field(max_length=60)] | Annotated[list[int], Field(max_length=20)]
)


class MatchRequest(BaseModel):
    """A job seeker's profile."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "age": 24,
                    "statuses": ["demandeur_emploi"],
                    "where": "Vire",
                    "needs": ["mobilite", "garde_enfants"],
                }
            ]
        }
    }

    age: int | None = Field(None, description="Age in years (14 to 99).")
    statuses: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list, max_length=30, description="Statuses, e.g. demandeur_emploi, beneficiaire_rsa."
    )
    where: str = Field(..., max_length=200, description="Commune name, postal code or INSEE code.")
    needs: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list, max_length=30, description="Needs, e.g. mobilite, garde_enfants, logement."
    )
    facts: dict[Annotated[str, Field(max_length=60)], FactValue] = Field(
        default_factory=dict,
        max_length=40,
        description="Optional facts (GET /vocabulary lists them): promesse_embauche (oui/non), "
        "mois_inscription, enfants (list of ages), salaire_net_mensuel, qpv, ass, aah…",
        examples=[{"promesse_embauche": True, "enfants": [2, 5], "mois_inscription": 14}],
    )


class Place(Body):
    id: str
    name: str
    level: str | None = None
    code: str | None = None
    homonyms: list[str] = Field(
        default_factory=list, description="Other communes of that name (à vérifier), with their département."
    )


class MatchProfile(Body):
    age: int | None = None
    statuses: list[str]
    needs: list[str]
    facts: dict[str, Any] = Field(default_factory=dict, description="The optional facts, as understood.")
    where: Place = Field(description="The territory the place given resolves to.")


class MatchDispositif(Body):
    id: str
    name: str
    kind: str | None = None
    scope: str | None = None
    operator: list[str]
    definition: str | None = None
    link: str | None = None
    checked: str | None = Field(None, description="When the rule was last checked (ISO date).")
    source: str | None = Field(None, description="The official page the rule was checked against.")
    operator_url: str | None = None


class Eligible(Body):
    dispositif: MatchDispositif
    needs: list[str] = Field(description="The person's needs the dispositif serves.")
    reasons: list[str] = Field(description="The conditions met.")
    to_check: list[str] = Field(description="Conditions a profile cannot decide, for the adviser to check.")
    actions: list[str] = Field(description="Ids of the local actions (below) that mobilise it.")


class Excluded(Body):
    dispositif: MatchDispositif
    needs: list[str]
    failed: list[str] = Field(description="The conditions that fail.")


class Question(Body):
    """A fact the profile lacks, as the adviser asks it."""

    fact: str = Field(description="A fact name of /vocabulary, 'age', 'where' or 'status:<slug>'.")
    type: str
    question: str
    condition: str | None = Field(None, description="The condition that needs it.")
    label: str | None = None
    unit: str | None = None
    values: list[dict[str, str]] | None = None
    status: str | None = None
    dispositifs: list[str] | None = Field(None, description="The undecided dispositifs that need it.")


class Undecided(Body):
    dispositif: MatchDispositif
    needs: list[str]
    reasons: list[str] = Field(description="The conditions met.")
    missing: list[str] = Field(description="What the profile does not say, each as a question.")
    questions: list[Question] = Field(default_factory=list, description="The missing facts, for a form.")
    to_check: list[str] = Field(description="À vérifier: what no profile can decide.")


class Reason(Body):
    why: str
    quote: str | None = None
    line: int | None = None


class Contact(Body):
    actor: str
    value: str | None = None


class MatchEvidence(Body):
    doc: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    quote: str | None = None


class TurnedAway(Body):
    rule: str
    quote: str
    line: int


class MatchAction(Body):
    id: str
    title: str
    doc: str | None = None
    ref: str | None = None
    scope: str | None = None
    territories: list[str]
    pilots: list[ActorSummary]
    contacts: list[Contact]
    dispositifs: list[str] = Field(description="Dispositif ids the action mobilises and the person may use.")
    reasons: list[Reason]
    document: DocumentSummary | None = None
    evidence: MatchEvidence
    excluded_by: TurnedAway | None = Field(
        None, description="The action's own sentence that turns the person away."
    )


class MatchResponse(Body):
    profile: MatchProfile
    eligible: list[Eligible] = Field(description="Dispositifs that apply, each with the conditions met.")
    excluded: list[Excluded] = Field(description="Dispositifs that do not apply, with the failed condition.")
    undecided: list[Undecided] = Field(
        description="Dispositifs the profile cannot decide, with what is missing."
    )
    questions: list[Question] = Field(
        default_factory=list, description="Every fact an undecided dispositif needs, once, for the form."
    )
    actions: list[MatchAction] = Field(description="Local actions for the needs, with pilots and contacts.")
    actions_excluded: list[MatchAction] = Field(description="Actions whose own text turns the person away.")


class MatchBody(MatchResponse):
    """:class:`MatchResponse` as the `/match` routes encode it: the same body, validated faster.

    The parts an answer shares with every other answer of its matcher (the dispositif summaries, the
    questions, the reasons of the actions, their pilots, contacts, document and evidence: the same dict
    objects each time, read-only like the answers) are validated once into models and reused; pydantic takes
    a model instance as it is, with the fields it was given, so the JSON is byte for byte that of
    ``MatchResponse.model_validate(answer)`` (tests/test_match_body.py compares them)."""

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> MatchResponse:
        if kwargs or not isinstance(obj, dict):
            return MatchResponse.model_validate(obj, **kwargs)
        return MatchResponse.model_validate(_shared_parts(obj))


_VALIDATED: dict[int, tuple[Any, BaseModel]] = {}  # id(a shared dict) -> (that dict, its model)
_VALIDATED_KEPT = 50_000  # entries, before starting again (a new knowledge base makes new shared dicts)


def _once(model: type[BaseModel], value: Any) -> Any:
    """The model of a shared dict, validated on its first use (anything else is returned as it is)."""
    if not isinstance(value, dict):
        return value
    found = _VALIDATED.get(id(value))
    if found is not None and found[0] is value:
        return found[1]
    if len(_VALIDATED) >= _VALIDATED_KEPT:
        _VALIDATED.clear()
    validated = model.model_validate(value)
    _VALIDATED[id(value)] = (value, validated)
    return validated


def _shared_parts(answer: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy of a match answer whose shared parts are their validated models."""
    out = dict(answer)
    for key in ("eligible", "excluded", "undecided"):
        if isinstance(out.get(key), list):
            out[key] = [_entry(e) for e in out[key]]
    for key in ("actions", "actions_excluded"):
        if isinstance(out.get(key), list):
            out[key] = [_action(a) for a in out[key]]
    return out


def _entry(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return entry
    out = dict(entry, dispositif=_once(MatchDispositif, entry.get("dispositif")))
    if isinstance(entry.get("questions"), list):
        out["questions"] = [_once(Question, q) for q in entry["questions"]]
    return out


def _action(action: Any) -> Any:
    if not isinstance(action, dict):
        return action
    out = dict(action)
    for key, model in (("pilots", ActorSummary), ("contacts", Contact), ("reasons", Reason)):
        if isinstance(action.get(key), list):
            out[key] = [_once(model, v) for v in action[key]]
    for key, model in (("document", DocumentSummary), ("evidence", MatchEvidence)):
        if key in action:
            out[key] = _once(model, action[key])
    return out
