"""Where a name written in the prose ends: a network member's own name after its head, capitalised words
after an organisation word (small words of a name in capitals included), a name in quotes."""

from __future__ import annotations

from ingest.mentions.normalize import fold

CASE_WORDS = frozenset({"de", "du", "des", "d'", "la", "l'", "le"})
NAME_MAX = 8
QUOTED_MAX = 20


def proper_name_end(doc, i: int) -> int:
    """End of a proper name that starts at token i: capitalised words, joined by 'de', 'du', 'des', 'd''
    ('du Pays de Lorient'); at most one lower-case noun or adjective before the first capital ('jeunes Centre
    Hérault'); i when there is none."""
    end = k = i
    if (
        k + 1 < len(doc)
        and doc[k].is_lower
        and doc[k].pos_ in ("NOUN", "ADJ")
        and fold(doc[k].text) not in CASE_WORDS
        and _capital(doc[k + 1])
    ):
        k += 1
    elif (  # "Mission locale régionale de Guyane": a lower-case adjective, then the name of its place
        k + 2 < len(doc)
        and doc[k].is_lower
        and doc[k].pos_ == "ADJ"
        and fold(doc[k + 1].text) in ("de", "du", "des", "d'")
        and _capital(doc[k + 2])
        and not doc[k + 2].is_sent_start
    ):
        k += 1
        end = k
    while k < len(doc) and k - i <= NAME_MAX:
        article = doc[k].text in ("La", "Le", "Les", "L'") and k + 1 < len(doc) and _capital(doc[k + 1])
        if (article or _capital(doc[k])) and not (
            doc[k].is_sent_start and doc[k - 1].text in (".", "!", "?")
        ):
            k += 1
            end = k
        elif (
            fold(doc[k].text) in ("de", "du", "des", "d'", "la", "l'")
            and (
                end == k
                or (k == end + 1 and fold(doc[end].text) == "de" and fold(doc[k].text) in ("la", "l'"))
            )
            and k + 1 < len(doc)
            and (_capital(doc[k + 1]) or fold(doc[k + 1].text) in ("la", "l'"))
        ):
            k += 1  # "du Centre de la Martinique": « de la » between two capitalised words
        else:
            break
    return _name_tail(doc, i, end)


def _name_tail(doc, start: int, end: int) -> int:
    """What may close a name after its last capitalised word: a lower-case adjective of that word ("du Pays
    salonais"), then a number ("Provence Insertion 13", "Jardins Solidaires 972")."""
    if end <= start or end >= len(doc):
        return end
    t = doc[end]
    if (
        t.is_lower
        and t.is_alpha
        and t.dep_ == "amod"
        and t.head.i == end - 1
        and t.pos_ in ("ADJ", "NOUN")
        and fold(t.text) not in CASE_WORDS
    ):
        end += 1
    return number_end(doc, end)


NUMBER_MAX = 3


def number_end(doc, end: int) -> int:
    """A number of at most three digits right after a capitalised word ends the name ("l'association X 93");
    not a share, an amount or a count of something ("X 13 %", "X 20 jeunes")."""
    if end == 0 or end >= len(doc) or not doc[end - 1].text[:1].isupper():
        return end
    t = doc[end]
    if not (t.text.isdigit() and len(t.text) <= NUMBER_MAX):
        return end
    nxt = doc[end + 1] if end + 1 < len(doc) else None
    if nxt is not None and (
        nxt.text in ("%", "€", "h", ":", "/")
        or nxt.is_alpha
        and nxt.is_lower
        and nxt.pos_ in ("NOUN", "ADJ", "NUM")
    ):
        return end
    return end + 1


def _capital(token) -> bool:
    return token.is_alpha and token.text[:1].isupper() and token.pos_ not in ("DET", "PRON", "VERB", "AUX")


def capitalised_name_end(doc, head: int, end: int) -> int:
    """'le groupement Solidarité Emploi Normand': capitalised words after the head continue its name."""
    if end == head + 1 and not (end < len(doc) and doc[end].text[:1].isupper()):
        return end
    i = end
    while i < len(doc) and i - head <= NAME_MAX and (doc[i].text[:1].isupper() or _small_joint(doc, i, end)):
        if doc[i].is_lower:  # "Ensemble Vers l'Emploi": a small word between capitalised words of the name
            i += 1
            continue
        if _upper_joint(doc, i):  # "ROUTES ET CHEMINS DE L'EMPLOI": small words of a name in capitals
            i += 1
            continue
        if not doc[i].is_alpha or (doc[i].is_sent_start and doc[i - 1].text in (".", "!", "?")):
            break
        if doc[i].pos_ in ("DET", "PRON") or fold(doc[i].text) in CASE_WORDS:
            break  # "… des compétences | Ce comité": a line that starts a sentence, not the name going on
        i += 1
    return number_end(doc, i) if i > head + 1 else i


def _small_joint(doc, i: int, end: int) -> bool:
    """A lower-case « de », « du », « l' »… after a capitalised word of the name, before another."""
    return (
        i > end
        and i + 1 < len(doc)
        and fold(doc[i].text) in CASE_WORDS
        and doc[i].is_lower
        and doc[i - 1].text[:1].isupper()
        and doc[i + 1].is_alpha
        and doc[i + 1].text[:1].isupper()
        and doc[i + 1].pos_ not in ("DET", "PRON", "VERB", "AUX")
    )


_UPPER_JOINTS = CASE_WORDS | {"et", "&", "pour", "a", "au", "aux", "en", "sur", "les"}


def _upper_joint(doc, i: int) -> bool:
    """A small word written in capitals between two words in capitals ("CHEMINS DE L'EMPLOI")."""
    t = doc[i]
    if not t.text.isupper() or fold(t.text) not in _UPPER_JOINTS or i == 0 or i + 1 >= len(doc):
        return False
    nxt = doc[i + 1] if fold(doc[i + 1].text) not in _UPPER_JOINTS or i + 2 >= len(doc) else doc[i + 2]
    return doc[i - 1].text.isupper() and nxt.text.isupper() and nxt.is_alpha and len(nxt.text) > 1


def quoted_name_end(doc, start: int, end: int) -> int:
    """'l'association « Carrefour pour l'Insertion … »', 'le réseau des « GRETA »': the name in quotes."""
    opened = [k for k in range(start, end) if doc[k].text == "«"]
    if opened and not any(doc[k].text == "»" for k in range(opened[-1], end)):
        end = opened[-1]
    i = end
    while i < len(doc) and fold(doc[i].text) in CASE_WORDS and i - end < 2:
        i += 1
    if i >= len(doc) or doc[i].text != "«":
        return end
    for j in range(i + 1, min(len(doc), i + QUOTED_MAX)):
        if doc[j].text == "»":
            return j + 1
    return end
