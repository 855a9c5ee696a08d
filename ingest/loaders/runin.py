"""A paragraph that opens with a bold run, a label, then its value in plain text (DOCX and ODT fiches set
their field labels this way, often without a colon): the labelled line the structure reader knows."""

from __future__ import annotations

from ingest.labels import default_lexicon

MAX_RUN_IN = 60  # characters: a longer bold run at the start of a paragraph is emphasis, not a label


def run_in_line(label: str, rest: str) -> str | None:
    """« Maître d'ouvrage » (bold) + « Syndicat … » -> "Maître d'ouvrage : Syndicat …" when the lexicon
    knows the label (the colon the layout left out); a bold label with its colon that the lexicon does not
    know -> "**Label :** value", so the reader keeps it as a field of its own (an extra, reported). None
    for anything else (bold emphasis opening a sentence)."""
    label, rest = label.strip(), rest.strip()
    if not label or not rest or len(label) > MAX_RUN_IN or label.endswith(".") or "\n" in rest:
        return None
    lexicon = default_lexicon()
    if label.endswith(":"):
        name = label.rstrip(" :")
        if not name:
            return None
        return f"{name} : {rest}" if lexicon.match(name, prefix=False) is not None else f"**{name} :** {rest}"
    if rest.startswith(":") or lexicon.match(label, prefix=False) is None:
        return None
    return f"{label} : {rest}"
