import contextlib

import pytest

from .services import PrivateMariaDB, PrivateRedis


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/faults/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def private_redis():
    server = PrivateRedis().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def private_mariadb():
    server = PrivateMariaDB().start()
    try:
        yield server
    finally:
        server.close()


@contextlib.contextmanager
def celery_broker(url: str):
    """Point this process's Celery app at ``url`` (not eager) for the block."""
    from ebakul.celery import app

    old = (app.conf.broker_url, app.conf.task_always_eager)

    def reset_pools():
        from kombu import pools

        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        # kombu keeps producer pools per connection in a process-wide registry: one for the
        # suite's own broker would keep pointing at the connection pool closed above, and the
        # next test in this process (eager tasks acquire a producer too) would fail with
        # "Acquire on closed pool".
        pools.reset()

    reset_pools()
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield app
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.task_always_eager = old


@contextlib.contextmanager
def tiny_disk(path, *, size: str = "256k", read_only: bool = False):
    """A small tmpfs at ``path`` (we are root: chmod would not stop us; a full or read-only
    filesystem does). Unmounted afterwards."""
    import subprocess

    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size},mode=0755" + (",ro" if read_only else "")
    subprocess.run(["/usr/bin/mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)  # noqa: S603
    try:
        yield path
    finally:
        subprocess.run(["/usr/bin/umount", str(path)], check=True)  # noqa: S603


def fill(path, *, leave: int = 0) -> None:
    """Fill the filesystem of ``path`` up to ``leave`` bytes free."""
    import os

    free = os.statvfs(path)
    available = free.f_bavail * free.f_frsize
    with open(path / "filler.bin", "wb") as fh:
        fh.write(b"\0" * max(available - leave, 0))
    try:
        with open(path / "filler.bin", "ab") as fh:
            while (os.statvfs(path).f_bavail * os.statvfs(path).f_frsize) > leave:
                fh.write(b"\0" * 512)
                fh.flush()
    except OSError:
        pass
