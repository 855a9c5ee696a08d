"""The layers of DESIGN.md, enforced by import-linter with the contracts of pyproject.toml."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def _lint(config: Path, cwd: Path) -> int:
    """Run import-linter from `cwd`. Its logging set-up (`dictConfig`) disables every logger that exists
    already, so their states are put back afterwards: later tests read the project's logs."""
    before = os.getcwd()
    loggers = [x for x in logging.root.manager.loggerDict.values() if isinstance(x, logging.Logger)]
    disabled = {x: x.disabled for x in loggers}
    os.chdir(cwd)
    try:
        return lint_imports(config_filename=str(config), no_cache=True, no_logo=True)
    finally:
        os.chdir(before)
        for x, state in disabled.items():
            x.disabled = state


def test_the_project_keeps_its_contracts() -> None:
    assert _lint(ROOT / "pyproject.toml", ROOT) == 0


def test_the_contracts_catch_a_circle_and_a_layer_breach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same contract types on a throwaway project with an import circle and an upward import must fail."""
    for package, files in {
        "low": {"a.py": "from low import b\n", "b.py": "from low import a\n"},
        "high": {"c.py": "import low.a\n"},
    }.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        for name, text in files.items():
            (tmp_path / package / name).write_text(text)
    (tmp_path / "low" / "up.py").write_text("import high.c\n")
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["low", "high"]\n'
        '[[tool.importlinter.contracts]]\nname = "layers"\ntype = "layers"\nlayers = ["high", "low"]\n'
        '[[tool.importlinter.contracts]]\nname = "circles"\ntype = "acyclic_siblings"\nancestors = ["low"]\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.split(".")[0] in ("low", "high")]:
        monkeypatch.delitem(sys.modules, name)
    assert _lint(config, tmp_path) != 0  # both
    (tmp_path / "low" / "up.py").unlink()
    assert _lint(config, tmp_path) != 0  # the circle alone
    (tmp_path / "low" / "b.py").write_text("")
    assert _lint(config, tmp_path) == 0  # neither: the harness itself passes
    (tmp_path / "low" / "up.py").write_text("import high.c\n")
    assert _lint(config, tmp_path) != 0  # the upward import alone
