"""The layers are a contract (docs/architecture.md, docs/adr/0121): `make lint` runs import-linter
over the real tree, and a forbidden import (even one hidden inside a function) fails it."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = ROOT / ".venv" / "bin" / "lint-imports"


def _copy_tree(tmp_path: Path) -> Path:
    """A copy of what `make lint` reads up to the layers check: the package, its config, the
    Makefile and the virtualenv (a link)."""
    dest = tmp_path / "repo"
    dest.mkdir()
    shutil.copytree(
        ROOT / "ebakul", dest / "ebakul", ignore=shutil.ignore_patterns("__pycache__", "locale")
    )
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, dest / name)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest


def _make_lint(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "lint"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_real_tree_keeps_the_layers():
    result = subprocess.run(
        [str(LINT_IMPORTS)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "message"),
    [
        (
            "core/planted.py",
            'from ebakul.reports.access import can_read_reports\n\n__all__ = ["can_read_reports"]\n',
            "ebakul.core is not allowed to import ebakul.reports",
        ),
        (
            # A lazy (function-level) import does not dodge the contract.
            "workflow/planted.py",
            "def guard():\n    from ebakul.compliance import services\n\n    return services\n",
            "ebakul.workflow is not allowed to import ebakul.compliance",
        ),
        (
            # Siblings are independent: the API does not reach into the portal.
            "api/planted.py",
            "def pages():\n    from ebakul.portal import views_common\n\n    return views_common\n",
            "ebakul.api is not allowed to import ebakul.portal",
        ),
    ],
)
def test_make_lint_fails_on_a_planted_forbidden_import(tmp_path, module, source, message):
    repo = _copy_tree(tmp_path)
    (repo / "ebakul" / module).write_text(source)
    result = _make_lint(repo)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "lint-imports" in out  # ruff passed: the layers check is what failed
    assert message in out, out
