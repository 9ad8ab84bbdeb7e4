from django.db import connection


def test_runs_on_the_configured_database(db):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("mysql"):
        with connection.cursor() as cur:
            cur.execute("SELECT VERSION()")
            assert "MariaDB" in cur.fetchone()[0]


def test_reference_data_is_loaded(ref):
    from ebakul.employees.models import EmployeeClass, WorkUnit
    from ebakul.merchants.models import Kecamatan, MerchantCategory

    assert Kecamatan.objects.count() == 28
    assert MerchantCategory.objects.count() == 4
    assert EmployeeClass.objects.get(number=14).default_tpp_ceiling == 12_956_594
    assert WorkUnit.objects.filter(kecamatan__isnull=True).count() == 0
