"""The generated requirement files match their pin lists, carry hashes, and the runtime list
installs no development tool (issue 16, ADR 0303)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEV_TOOLS = {"pytest", "pytest-django", "playwright", "schemathesis", "ruff", "mypy", "hypothesis"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip().rstrip("\\").strip()
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if m:
            out[norm(m.group(1))] = m.group(2)
    return out


def hashed(path: Path) -> dict[str, int]:
    """name -> number of --hash lines of each entry."""
    out, current = {}, None
    for line in path.read_text().splitlines():
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==\S+ \\$", line)
        if m:
            current = norm(m.group(1))
            out[current] = 0
        elif line.strip().startswith("--hash=sha256:") and current:
            assert re.fullmatch(r"\s+--hash=sha256:[0-9a-f]{64}( \\)?", line), line
            out[current] += 1
    return out


def test_generated_files_match_their_pin_lists():
    assert pins(ROOT / "requirements.txt") == pins(ROOT / "requirements.in")
    assert pins(ROOT / "requirements-dev.txt") == pins(ROOT / "requirements-dev.in")
    text = (ROOT / "requirements-dev.txt").read_text()
    assert "\n-r requirements.txt\n" in text


def test_every_pin_has_a_hash():
    for name in ("requirements.txt", "requirements-dev.txt"):
        counts = hashed(ROOT / name)
        assert counts and all(n >= 1 for n in counts.values()), name
        assert set(counts) == set(pins(ROOT / name))


def test_runtime_installs_no_development_tool():
    runtime = set(pins(ROOT / "requirements.in"))
    assert not runtime & DEV_TOOLS
    assert {"django", "celery", "gunicorn", "mysqlclient"} <= runtime
    assert not runtime & set(pins(ROOT / "requirements-dev.in"))
