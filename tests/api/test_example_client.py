"""The worked example of docs/api.md runs against a live server."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models import Sum

from ebakul.compliance.models import DeductionStatus, TppDeduction

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "etpp_client.py"


@pytest.mark.django_db(transaction=True)
def test_example_client_pulls_and_acknowledges_a_locked_period(live_server, locked_period, rw_key):
    client = runpy.run_path(str(EXAMPLE))
    rows = client["pull_and_acknowledge"](live_server.url, rw_key.raw, locked_period, page_size=3)
    deductions = TppDeduction.objects.filter(period=locked_period)
    assert len(rows) == deductions.count() == 8
    assert set(deductions.values_list("status", flat=True)) == {DeductionStatus.ACKNOWLEDGED}
    assert sum(a for _n, a in rows) == deductions.aggregate(s=Sum("applied_amount"))["s"]
    # Running it again is harmless: nothing is final any more, nothing changes.
    assert client["pull_and_acknowledge"](live_server.url, rw_key.raw, locked_period) == []

    # And as a script, the way docs/api.md shows it.
    env = {**os.environ, "EBAKUL_URL": live_server.url, "EBAKUL_API_KEY": rw_key.raw}
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), locked_period], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("acknowledged 0 deductions")
