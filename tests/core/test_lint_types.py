"""`make lint` type-checks the services, selectors and engines (mypy + django-stubs, ADR 0130):
a planted type error fails it, the project itself passes it."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TYPECHECK = ROOT / "scripts" / "typecheck.sh"


def _typecheck(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(TYPECHECK), *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_make_lint_runs_the_type_check():
    lint = subprocess.run(
        ["make", "-n", "lint"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "scripts/typecheck.sh" in lint


def test_a_planted_type_error_fails_the_type_check(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from ebakul.compliance import services\n"
        "from ebakul.compliance.selectors import appeal_window_open\n\n"
        "def wrong() -> None:\n"
        "    services.compute_period(period=202611)\n"  # a period is 'YYYY-MM' text
        "    appeal_window_open(period_status=1)\n"
    )
    result = _typecheck(str(planted))
    assert result.returncode != 0, result.stdout
    assert "planted.py:5: error" in result.stdout
    assert "planted.py:6: error" in result.stdout


def test_the_services_selectors_and_engines_pass():
    result = _typecheck()
    assert result.returncode == 0, result.stdout
    checked = result.stdout.strip().splitlines()[-1]
    assert checked.startswith("Success"), checked
    services = list(ROOT.glob("ebakul/*/services.py"))
    assert int(checked.split(" in ")[1].split()[0]) >= len(services) + 3
