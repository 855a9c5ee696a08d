"""What a user reads is French: the help of every `qfq` command (Typer's own words included) and the page.

A small list of English words that leaked before is enough to catch a help text or a label left in English.
The same list is used by the end-to-end test on every page it visits (tests/test_web_e2e.py)."""

from __future__ import annotations

import ast
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


# -- the texts of qfq's errors ------------------------------------------------------------------------------
# English words an error message or its list of valid values would use; none is a French word (an acronym in
# capitals, such as ARE, is not read as one)
ERROR_WORDS = frozenset(
    {
        "the",
        "is",
        "are",
        "unknown",
        "must",
        "cannot",
        "refused",
        "not",
        "invalid",
        "expected",
        "missing",
        "should",
        "only",
        "file",
        "query",
        "found",
        "and",
        "with",
        "for",
        "of",
        "no",
        "does",
        "has",
        "allowed",
        "exist",
        "exists",
        "empty",
        "than",
        "least",
        "most",
        "request",
        "method",
        "error",
        "value",
        "values",
        "setting",
        "unsupported",
        "larger",
        "between",
        "be",
    }
)
PACKAGES = ("api", "graph", "ingest", "embeddings")
ROOT = Path(api.cli.__file__).resolve().parents[2]


def error_classes() -> set[str]:
    """The names of QfqError and of every subclass of it (each layer's errors imported, so all are known)."""
    import api.errors  # noqa: F401  (AccessDenied, Busy)
    import graph.errors  # noqa: F401  (NotFound, StoreError)
    from ingest.errors import QfqError

    found, todo = set(), [QfqError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo += cls.__subclasses__()
    return found


def _literal(node: ast.AST | None, names: dict[str, list[ast.AST]]) -> str:
    """The literal text of an expression: a string, the constant parts of an f-string, concatenations,
    both branches of a conditional, the receiver of ``.format``/``.join``, what a local variable is set to."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else ""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else " " for v in node.values)
    if isinstance(node, ast.BinOp):
        return _literal(node.left, names) + " " + _literal(node.right, names)
    if isinstance(node, ast.IfExp):
        return _literal(node.body, names) + " " + _literal(node.orelse, names)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    ):
        return _literal(node.func.value, names)
    if isinstance(node, ast.Name):
        return " ".join(_literal(v, {}) for v in names.get(node.id, []))
    return ""


def _assignments(scope: ast.AST) -> dict[str, list[ast.AST]]:
    names: dict[str, list[ast.AST]] = {}
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, []).append(node.value)
    return names


def error_texts(path: Path, classes: set[str]) -> list[tuple[int, str]]:
    """(line, text) of every error of `classes` built in a module (``raise X(…)`` or an error built to be
    raised or returned): the message and the ``valid=`` text, literal parts only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    owner = {id(n): s for s in scopes for n in ast.walk(s)}  # innermost last: nested functions overwrite
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in classes:
            continue
        names = _assignments(owner[id(node)]) if id(node) in owner else {}
        parts = node.args[:1] + [k.value for k in node.keywords if k.arg in ("message", "valid")]
        found.append((node.lineno, " | ".join(_literal(p, names) for p in parts)))
    return sorted(found)


def english_in_error(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z]+", re.sub(r"`[^`]*`", " ", text))  # `code` (a key, a command) is not prose
    return sorted({w for w in words if w.lower() in ERROR_WORDS and not (w.isupper() and len(w) > 1)})


def test_the_error_scan_finds_english_and_spares_french(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "def f(x):\n"
        "    message = 'the file is empty'\n"
        "    if x:\n"
        "        raise InputError(message)\n"
        "    raise errors.NotFound(f'thème inconnu {x!r}', where='theme', valid='one of ' + ', '.join(x))\n"
        "raise ConfigError('aucune ARE connue', valid='not ' if x else 'un fichier TOML')\n"
        "raise ValueError('the rest is not ours')\n",
        encoding="utf-8",
    )
    texts = error_texts(module, {"InputError", "NotFound", "ConfigError"})
    assert [(line, english_in_error(t)) for line, t in texts] == [
        (4, ["empty", "file", "is", "the"]),
        (5, ["of"]),
        (6, ["not"]),
    ]


def test_every_error_text_is_french() -> None:
    classes = error_classes()
    assert {"QfqError", "InputError", "NotFound", "ConfigError", "AccessDenied", "TooLarge"} <= classes
    english = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, text in error_texts(path, classes):
                words = english_in_error(text)
                if words:
                    english.append(f"{path.relative_to(ROOT)}:{line}: {words} in {text.strip()!r}")
    assert english == [], f"{len(english)} error texts in English:\n" + "\n".join(english)
