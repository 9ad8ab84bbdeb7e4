"""Reads of reports and the e-TPP export from a real MariaDB replica (a second private mariadbd
replicating from a private primary): never a write there, and a read after a write in the same
request sees the write (ADR 0312)."""

import json
import subprocess
import sys

import pytest
from django.db import connection

from ebakul.core.db import PRIMARY, ReplicaRouter, reading_alias, replica_reads

from .services import ROOT, PrivateMariaDB, copy_database, django_env, wait_until

DB = "ebakul_primary"


def _replicating(replica: PrivateMariaDB) -> bool:
    return replica.sql("SHOW GLOBAL STATUS LIKE 'Slave_running'").stdout.split() == [
        "Slave_running",
        "ON",
    ]


def _caught_up(primary: PrivateMariaDB, replica: PrivateMariaDB) -> bool:
    want = primary.sql("SELECT @@gtid_binlog_pos").stdout.strip()
    return replica.sql("SELECT @@gtid_slave_pos").stdout.strip() == want


@pytest.fixture
def primary_and_replica(private_redis):
    primary, replica = PrivateMariaDB(), PrivateMariaDB()
    primary.extra = ["--server-id=1", "--log-bin=mysql-bin", "--binlog-format=ROW"]
    replica.extra = ["--server-id=2", "--read-only=1"]
    try:
        primary.start()
        replica.start()
        primary.sql(
            "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl';"
            " GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';"
        )
        replica.sql(
            "CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY 'reader';"
            " GRANT SELECT ON *.* TO 'reader'@'127.0.0.1';"
            f" CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={primary.port},"
            " MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos;"
            " START SLAVE;"
        )
        wait_until(lambda: _replicating(replica), timeout=60, what="replication")
        yield primary, replica
    finally:
        replica.close()
        primary.close()


def _stage(primary, replica, redis, *args) -> dict:
    env = django_env(
        database_url=primary.url(DB),
        redis_url=redis.url,
        DATABASE_REPLICA_URL=f"mysql://reader:reader@127.0.0.1:{replica.port}/{DB}",
    )
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.faults.replica_runner", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_reports_read_the_replica_writes_never_do_and_a_write_pins_the_request(
    ref, primary_and_replica, private_redis
):
    primary, replica = primary_and_replica
    copy_database(connection.settings_dict, primary, DB)  # replicated to the replica
    wait_until(lambda: _caught_up(primary, replica), timeout=120, what="initial copy")
    assert replica.sql(f"SELECT COUNT(*) FROM {DB}.django_migrations").stdout.strip() != "0"

    # The replica falls behind: its SQL thread stops.
    replica.sql("STOP SLAVE SQL_THREAD")
    seen = _stage(primary, replica, private_redis, "lagging", "2020-01")
    assert seen == {
        "read_alias": "replica",
        "before_write": False,
        "read_alias_after_write": "default",  # pinned after the write ...
        "read_after_write": True,  # ... so the request sees its own write
        "next_request_reads_replica": False,  # a new request reads the (lagging) replica
        "primary_has_it": True,
    }

    # Writes of every kind inside a replica block go to the primary (the replica's user may
    # only read: a write sent there would have failed the stage).
    assert _stage(primary, replica, private_redis, "writes", "2020-01") == {
        "status": "locked",
        "created": True,
    }
    replica.sql("START SLAVE SQL_THREAD")
    wait_until(lambda: _caught_up(primary, replica), timeout=60, what="catch-up")
    assert _stage(primary, replica, private_redis, "synced", "2020-01") == {
        "replica_status": "locked"
    }

    # A real report request: its queries run on the replica, none of them a write.
    seen = _stage(primary, replica, private_redis, "request")
    assert seen["status"] == 200
    assert seen["replica_queries"] > 0
    assert seen["writes_on_replica"] == []


def test_without_a_replica_everything_uses_the_primary(db):
    from ebakul.compliance.models import Period

    with replica_reads():
        assert reading_alias() == PRIMARY
        assert Period.objects.all().db == PRIMARY
    router = ReplicaRouter()
    assert router.db_for_write(Period) == PRIMARY
    assert router.allow_migrate("replica", "compliance") is False
