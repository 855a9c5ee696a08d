"""What a user reads is French: the help of every `qfq` command (Typer's own words included) and the page.

A small list of English words that leaked before is enough to catch a help text or a label left in English.
The same list is used by the end-to-end test on every page it visits (tests/test_web_e2e.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import api.cli
from api.cli import command

# English words seen in qfq's user-facing text; none of them is French (or a proper name in the corpus)
ENGLISH = [
    "Search",
    "results",
    "partner",
    "piloted_by",
    "Show this message",
    "Options",
    "Commands",
    "Usage:",
    "unknown",
    "not found",
    "error:",
    "default:",
    "required",
    "Only the",
    "Print the",
    "Data directory",
    "the",
    "of the",
    "with",
    "which",
    "actors",
]
_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w-])")
COMMANDS = sorted(command().commands)


def english_words(text: str) -> list[str]:
    """The words of the list found in `text` (whole words, case-sensitive), each once."""
    return sorted(set(_PATTERN.findall(text)))


def help_text(*args: str) -> str:
    """`qfq … --help` as printed, from the command `qfq` runs (in-process)."""
    import io
    from contextlib import redirect_stdout

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = command().main([*args, "--help"], prog_name="qfq", standalone_mode=False)
    assert code in (0, None)
    return re.sub(r"[│╭╮╰╯─\s]+", " ", buffer.getvalue())


def test_the_word_list_finds_english_and_spares_french() -> None:
    assert english_words("Usage: qfq [OPTIONS] Show this message and exit.") == [
        "Show this message",
        "Usage:",
    ]
    assert english_words("error: unknown theme, partner of the action") == [
        "error:",
        "of the",
        "partner",
        "unknown",
    ]
    assert english_words("Utilisation : qfq [PARAMÈTRES] — partenaires, thème, actions, acteurs") == []


def prose(text: str) -> str:
    """A help text without the command names (`qfq actors`, the entries of the command list): they are the
    stable interface (DESIGN.md), identifiers rather than words a user reads."""
    text = re.sub(r"qfq (" + "|".join(map(re.escape, COMMANDS)) + r")\b", "qfq", text)
    head, sep, listing = text.partition("Commandes")
    for name in COMMANDS:
        listing = re.sub(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", "", listing, count=1)
    return head + sep + listing


def test_the_main_help_is_french() -> None:
    text = help_text()
    assert "Utilisation : qfq" in text and "Commandes" in text and "Afficher cette aide et quitter" in text
    assert english_words(prose(text)) == []


@pytest.mark.parametrize("name", COMMANDS)
def test_the_help_of_each_command_is_french(name: str) -> None:
    text = help_text(name)
    assert "Utilisation : qfq " + name in text
    assert english_words(prose(text)) == [], f"qfq {name} --help: {text}"


class _Text(HTMLParser):
    """The text a reader sees or hears: text nodes and the labels of attributes (not scripts)."""

    ATTRS = ("aria-label", "placeholder", "title", "alt", "value")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")
        self.parts += [v or "" for k, v in attrs if k in self.ATTRS]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def test_the_page_is_french() -> None:
    html = (Path(api.cli.__file__).resolve().parents[1] / "static" / "index.html").read_text(encoding="utf-8")
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    assert "Rechercher" in text and "Couverture" in text
    assert english_words(text) == []
