import pytest

# The portal's people and shops (employee, other_employee, shop, clients...).
from tests.portal.conftest import (  # noqa: F401
    _clean_cache,
    employee,
    employee_client,
    other_employee,
    shop,
)


@pytest.fixture
def media_files(settings):
    """Snapshot of the stored files: a refused upload must store nothing."""
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)

    def _files():
        return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()

    return _files
