import io

import pytest
from django.core.management import call_command

SMALL = {"employees": 30, "merchants": 10}


@pytest.fixture(autouse=True)
def demo_database(db):
    """These tests build demo data, which only goes into a database marked as a demo one."""
    from ebakul.demo.seeder import mark_demo_database

    mark_demo_database(note="tests/demo")


def run_seed(*args, **options) -> str:
    """seed_demo into the test database, marked first as a demo one (as scripts/demo.sh does)."""
    from ebakul.demo.seeder import mark_demo_database

    mark_demo_database(note="tests")
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(ref) -> str:
    """The demo data set at a small size; returns what the command printed."""
    return run_seed(**SMALL)
