"""The rows of a fiche table the fiche shape has no field for, read through the label lexicon
(``ingest/data/labels.toml``): a status or priority normalised, a field the fiche left empty filled ("Maître
d'ouvrage", "Coût estimé", operators), funders added to the partners, anything else kept as an extra field and
reported when the lexicon does not know its label."""

from __future__ import annotations

from ingest.labels import default_lexicon
from ingest.orgs import split_orgs
from ingest.records import ActionRecord
from ingest.text import fold

EXTRA = "extra"  # a row inside a fiche whose label this shape has no field for: kept, never ends the fiche
# lexicon fields (ingest/data/labels.toml) read inside a fiche besides the fiche's own labels: record -> slot
_LEXICON_SLOTS = {"status": "status", "priority": "priority"}


def extra_rows(action: ActionRecord, values: dict[str, list[str]], lines: dict[str, int]) -> None:
    """Rows the fiche has no field for: a status or priority the lexicon normalises, else an extra field,
    reported when the lexicon does not know the label either."""
    lexicon = default_lexicon()
    for key, parts in values.items():
        if not key.startswith(EXTRA + ":"):
            continue
        label, value = key[len(EXTRA) + 1 :], " ".join(parts)
        spec = lexicon.spec(label)
        slot = _LEXICON_SLOTS.get(spec.record) if spec else None
        canon = (lexicon.status if slot == "status" else lexicon.priority)(value) if slot else None
        if canon:
            setattr(action, slot, canon)
            continue
        if spec is not None and _lexicon_field(action, spec.record, parts, lines[key]):
            continue
        if spec is not None and spec.record == "partners":  # funders, co-financeurs: partners too
            _add_partners(action, parts, lines[key])
        action.extra[label] = value
        if spec is None:
            action.warnings.append(
                f"ligne {lines[key]} : libellé non reconnu « {label} » (gardé comme champ supplémentaire)"
            )


_TEXT_SLOTS = ("budget", "calendar", "indicators", "expected_results", "duration", "observations")


def _lexicon_field(action: ActionRecord, record: str, parts: list[str], line: int) -> bool:
    """A row the lexicon names for a field this fiche left empty ("Maître d'ouvrage", "Coût estimé"): the
    field's value. False when the field is filled already or is no plain field (kept as an extra)."""
    value = " ".join(parts).strip()
    if not value:
        return False
    if record in ("pilots", "operators") and not action.pilots:
        action.pilots, people = split_orgs(parts, line, frozenset())
        action.people += people
    elif record == "operators":  # beside a pilot: partners
        _add_partners(action, parts, line)
    elif record in _TEXT_SLOTS and not getattr(action, record):
        setattr(action, record, value)
    else:
        return False
    action.fields_missing = [f for f in action.fields_missing if f != record]
    return True


def _add_partners(action: ActionRecord, parts: list[str], line: int) -> None:
    """The organisations of a partner-like row (funders) the partners do not already name."""
    known = {fold(o.name) for o in action.partners + action.pilots}
    found, people = split_orgs(parts, line, frozenset())
    action.partners += [o for o in found if fold(o.name) not in known]
    action.people += people
