"""The document-level blocks of a plan (its participant list, its glossary) as names for the mentions pass.

A participant list names organisations; a glossary spells out acronyms, some of organisations ("ARML :
Association Régionale des Missions Locales"), others of schemes or publics ("BRSA : Bénéficiaires du RSA").
A glossary entry names an organisation when its expansion is headed by an organisation word of the cue
lexicon (`ingest/data/role_cues.toml`, [organisations]: its heads, and its glossary heads, words such as
"centre" that head an organisation's name in a glossary but too many other phrases in the prose) — the rule
is data, no name is in code.

These names become gazetteer entries of the document (`document_entries`): the mentions pass then finds them
in the actions' prose, where the sentence gives them their role, and only there — a participant is linked to
an action only when the action's text names it. The document-level actors themselves (the document's
participants and glossary organisations, with their line as evidence) are the graph's (graph/build.py).
"""

from __future__ import annotations

import re

from ingest.mentions.cues import Lexicon
from ingest.mentions.normalize import fold
from ingest.records import GlossaryEntry, OrgMention

_WORD = re.compile(r"[^\W\d_][\w\-]*", re.UNICODE)
_PARENS = re.compile(r"\s*\(.*?\)\s*")
SHORTEST = 2  # characters of a name taken from a document-level block


def names_organisation(expansion: str, lexicon: Lexicon) -> bool:
    """Whether a glossary expansion names an organisation: its first word heads an organisation."""
    words = _WORD.findall(expansion)
    if not words:
        return False
    first = fold(words[0])
    return first in lexicon.org_heads or first in lexicon.loc_is_org_words or first in lexicon.glossary_heads


def organisation_glossary(glossary: list[GlossaryEntry], lexicon: Lexicon) -> list[GlossaryEntry]:
    """The glossary entries that spell out an organisation."""
    return [g for g in glossary if names_organisation(g.expansion, lexicon)]


def participant_name(p: OrgMention) -> str:
    """A participant as the prose would write it: without what its list adds in parentheses."""
    return _PARENS.sub(" ", p.name).strip(" ,;:–-")


def participant_names(participants: list[OrgMention]) -> list[tuple[str, int]]:
    """(name, line) of the participants that are names: not a glossary line ("ACR : expansion") that the
    list's reader took in, nor a stray letter."""
    out = []
    for p in participants:
        name = participant_name(p)
        if len(name) >= SHORTEST and ":" not in name:
            out.append((name, p.line))
    return out


def document_entries(
    glossary: list[GlossaryEntry], participants: list[OrgMention], lexicon: Lexicon
) -> list[tuple[str, str, str]]:
    """(surface, "org", key) rows of a document's own organisations, for its gazetteer: the acronyms and
    expansions of its glossary's organisations, and its participants' names."""
    rows: list[tuple[str, str, str]] = []
    for g in organisation_glossary(glossary, lexicon):
        key = "document:" + fold(g.acronym)
        rows += [(g.acronym, "org", key), (g.expansion, "org", key)]
    for name, _ in participant_names(participants):
        rows.append((name, "org", "document:" + fold(name)))
    return [r for r in rows if len(r[0].strip()) >= SHORTEST]
