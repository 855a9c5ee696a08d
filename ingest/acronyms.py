"""Acronyms spelled by words: whether a phrase spells an acronym ("REGAL" = « Réseau pour Éviter le
Gaspillage ALimentaire »), and the phrases of a text that do ("MRN" <- « Métropole de Rouen Normandie »)."""

from __future__ import annotations

import re

from ingest.text import fold


def is_expansion(acronym: str, text: str) -> bool:
    """True when `text` spells `acronym` with word prefixes:
    REGAL = Réseau pour Éviter le Gaspillage ALimentaire."""
    letters = fold(acronym).replace(" ", "").replace("-", "")
    words = [w for w in re.split(r"[\s'\-]+", fold(text)) if w]
    if not letters.isalpha() or len(letters) < 2 or not words:
        return False

    def match(li: int, wi: int) -> bool:
        if li == len(letters):
            return True
        for w in range(wi, len(words)):
            word = words[w]
            n = 0
            while n < min(len(word), 2) and li + n < len(letters) and word[n] == letters[li + n]:
                n += 1
                if match(li + n, w + 1):
                    return True
            if w == wi and word[:1] == letters[li : li + 1] and len(word) > 3 and w > wi + 3:
                return False
        return False

    return words[0][:1] == letters[0] and match(0, 0)


_PHRASE = re.compile(r"[A-ZÉ][\w'’\-]*(?:\s+(?:(?:de|du|des|d'|l'|la|le|pour)\s*)*[A-ZÉ][\w'’\-]*)+")


def spelled_in(acronym: str, context: str) -> list[str]:
    """Phrases of `context` whose words spell `acronym`, best first
    ('MRN' <- 'Métropole de Rouen Normandie')."""
    found = []
    for m in _PHRASE.finditer(context):
        words = m.group(0).split()
        for i in range(len(words)):
            phrase = " ".join(words[i:])
            if phrase[:1].isupper() and is_expansion(acronym, phrase):
                found.append(phrase)
                break
    return found
