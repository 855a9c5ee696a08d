"""The layers of DESIGN.md, enforced by import-linter with the contracts of pyproject.toml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint(config: Path, cwd: Path) -> int:
    """lint-imports in its own process: it reconfigures logging (disabling every logger already made)."""
    code = (
        "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports("
        f"config_filename={str(config)!r}, no_cache=True, no_logo=True))"
    )
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True).returncode


def test_the_project_keeps_its_contracts() -> None:
    assert _lint(ROOT / "pyproject.toml", ROOT) == 0


def test_the_contracts_catch_a_circle_and_a_layer_breach(tmp_path: Path) -> None:
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
    assert _lint(config, tmp_path) != 0  # both
    (tmp_path / "low" / "up.py").unlink()
    assert _lint(config, tmp_path) != 0  # the circle alone
    (tmp_path / "low" / "b.py").write_text("")
    assert _lint(config, tmp_path) == 0  # neither: the harness itself passes
    (tmp_path / "low" / "up.py").write_text("import high.c\n")
    assert _lint(config, tmp_path) != 0  # the upward import alone
