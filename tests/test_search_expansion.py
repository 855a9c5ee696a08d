"""The synonym lexicon of the keyword index (embeddings/data/synonyms.toml) and its expansion of queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from embeddings.expansion import Expander, LexiconError, default_expander
from embeddings.french import tokens


def test_the_shipped_lexicon_loads_and_every_group_expands() -> None:
    expander = default_expander()
    assert len(expander.groups) >= 30
    for group in expander.groups:
        for trigger in group.triggers:  # each trigger, alone in a query, adds the group's other stems
            added = expander.expand(list(trigger))
            assert added and not set(added) & set(trigger)


def test_a_colloquial_word_expands_to_the_plans_words_not_back(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[[group]]\nterms = ["boulot", "emploi"]\nfrom = ["boulot"]\n', encoding="utf-8")
    expander = Expander.from_file(path)
    assert expander.expand(tokens("trouver un boulot")) == tokens("emploi")
    assert expander.expand(tokens("trouver un emploi")) == []


def test_a_term_of_several_words_needs_its_words_in_order(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[[group]]\nterms = ["mode de garde", "crèche"]\n', encoding="utf-8")
    expander = Expander.from_file(path)
    assert expander.expand(tokens("un mode de garde le soir")) == tokens("crèche")
    assert expander.expand(tokens("garde à vue, mode sombre")) == []
    assert expander.expand(tokens("une crèche")) == tokens("mode de garde")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[[group]]\nterms = ["seul"]\n', "au moins deux termes"),
        ('[[group]]\nterms = ["crèche", "le la"]\n', "mots vides"),
        ('[[group]]\nterms = ["a b", "crèche"]\nfrom = ["nounou"]\n', "absents de « terms »"),
        ("[[group]\n", "illisible"),
    ],
)
def test_a_bad_lexicon_says_which_file_group_and_what(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        Expander.from_file(path)
    assert str(path) in str(err.value) and said in str(err.value)
