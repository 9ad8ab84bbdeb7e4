"""Private Redis and MariaDB instances for the fault tests, and a real Celery worker.

Each fault test starts its OWN server (temporary directory, free port) and breaks that one;
the shared MariaDB (127.0.0.1:3306) and Redis (127.0.0.1:6379) are never touched.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, *, timeout: float = 30.0, every: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(every)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class PrivateRedis:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ebakul-faults-redis-")
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.proc = subprocess.Popen(  # noqa: S603
            [
                "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                self.dir,
                "--save",
                "",
                "--appendonly",
                "yes",  # what was queued survives the restart, like a production broker
                "--protected-mode",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _port_open(self.port), what="private redis")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        wait_until(lambda: not _port_open(self.port), what="redis down")

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateMariaDB:
    """A throw-away mariadbd: its own datadir, socket and port; root without a password."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="ebakul-faults-mariadb-"))
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.datadir = self.dir / "data"
        self.socket = self.dir / "mysqld.sock"
        self.extra: list[str] = []

    def install(self) -> None:
        subprocess.run(  # noqa: S603
            [
                "/usr/bin/mariadb-install-db",
                "--no-defaults",
                f"--datadir={self.datadir}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
            ],
            check=True,
            capture_output=True,
        )

    def start(self) -> PrivateMariaDB:
        if not self.datadir.exists():
            self.install()
        self.proc = subprocess.Popen(  # noqa: S603
            [
                "/usr/sbin/mariadbd",
                "--no-defaults",
                f"--datadir={self.datadir}",
                f"--socket={self.socket}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                "--user=root",
                f"--pid-file={self.dir / 'mysqld.pid'}",
                f"--log-error={self.dir / 'error.log'}",
                "--innodb-buffer-pool-size=32M",
                "--innodb-log-file-size=16M",
                "--skip-name-resolve",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                *self.extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: self.sql("SELECT 1", check=False).returncode == 0, what="mariadbd")
        return self

    def kill(self) -> None:
        """Stop it hard (SIGKILL): open transactions are rolled back by crash recovery."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(60)

    def restart(self) -> None:
        self.kill()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def sql(self, statement: str, *, database: str = "", check: bool = True, stdin=None):
        return subprocess.run(  # noqa: S603
            [
                "/usr/bin/mariadb",
                "--no-defaults",
                f"--socket={self.socket}",
                "-uroot",
                "-N",
                "-B",
                *([database] if database else []),
                "-e",
                statement,
            ],
            check=check,
            capture_output=True,
            text=True,
            stdin=stdin,
        )

    def url(self, database: str) -> str:
        return f"mysql://root:@127.0.0.1:{self.port}/{database}"


def copy_database(settings_dict: dict, target: PrivateMariaDB, name: str) -> None:
    """Copy the test database (on the shared server; read only, one consistent snapshot) into
    ``target`` as ``name``."""
    target.sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    dump = subprocess.Popen(  # noqa: S603
        [
            "/usr/bin/mariadb-dump",
            "--no-defaults",
            "--single-transaction",
            "--skip-lock-tables",
            "-h",
            settings_dict["HOST"] or "127.0.0.1",
            "-P",
            str(settings_dict["PORT"] or 3306),
            "-u",
            settings_dict["USER"],
            f"-p{settings_dict['PASSWORD']}",
            settings_dict["NAME"],
        ],
        stdout=subprocess.PIPE,
    )
    load = subprocess.run(  # noqa: S603
        [
            "/usr/bin/mariadb",
            "--no-defaults",
            f"--socket={target.socket}",
            "-uroot",
            name,
        ],
        stdin=dump.stdout,
        capture_output=True,
    )
    assert dump.wait() == 0
    assert load.returncode == 0, load.stderr


def django_env(*, database_url: str, redis_url: str, **extra: str) -> dict:
    from django.conf import settings

    # The child is not a pytest-xdist worker: without these it would move to another Redis
    # database and media folder than this test's (ebakul/settings/test.py).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    env.update(
        EBAKUL_TEST_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DJANGO_SETTINGS_MODULE="ebakul.settings.test",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def database_url_of(settings_dict: dict) -> str:
    return (
        f"mysql://{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
        f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 3306}/"
        f"{settings_dict['NAME']}"
    )


class Worker:
    """``celery -A ebakul worker``: a real process, one at a time (solo pool)."""

    def __init__(self, env: dict, log: Path, include: str = "tests.faults.tasks"):
        self.env, self.log, self.include = env, log, include
        self.proc: subprocess.Popen | None = None

    def start(self) -> Worker:
        self._fh = open(self.log, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ebakul",
                "worker",
                "-P",
                "solo",
                "-I",
                self.include,
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._fh,
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._fh.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")
