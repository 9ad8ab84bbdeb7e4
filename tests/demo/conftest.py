import io

import pytest
from django.core.management import call_command

SMALL = {"employees": 30, "merchants": 10}


def run_seed(*args, **options) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(ref) -> str:
    """The demo data set at a small size; returns what the command printed."""
    return run_seed(**SMALL)
