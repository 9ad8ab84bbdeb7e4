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
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield app
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.task_always_eager = old
