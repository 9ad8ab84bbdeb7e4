"""Backups and restores: the database (``mariadb-dump --single-transaction``) and the uploaded
files (receipts, appeal evidence), with a manifest of row counts and checksums (issue 16,
ADR 0302). Used by ``manage.py backup`` and ``manage.py restore``.

A backup is a folder ``ebakul-<UTC time>/``:

* ``database.sql.gz`` — the dump, consistent (one snapshot, no table locks);
* ``files/`` — a copy of ``MEDIA_ROOT``, taken **after** the dump, so every file a dumped row
  names is in it (files are content-addressed and never rewritten);
* ``manifest.json`` — when, which database, the row count of every table (counted in one
  consistent snapshot taken just before the dump), the dump's SHA-256, and every file's size
  and SHA-256.

A restore verifies every checksum before touching anything, loads the dump into the named
database, copies the files, and compares the restored row counts with the manifest.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"
DUMP = "database.sql.gz"
FILES = "files"
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: mariadb-client).")
    return path


def _client_options(db: dict, name: str | None = None) -> tuple[list[str], str]:
    """Connection options for the MariaDB command-line tools, with the password in a private
    defaults file (never on the command line, where ``ps`` would show it)."""
    fd, path = tempfile.mkstemp(prefix="ebakul-my-", suffix=".cnf")
    with os.fdopen(fd, "w") as fh:
        fh.write("[client]\n")
        fh.write(f"user={db.get('USER', '')}\n")
        fh.write(f"password={db.get('PASSWORD', '')}\n")
        fh.write(f"host={db.get('HOST') or '127.0.0.1'}\n")
        fh.write(f"port={db.get('PORT') or 3306}\n")
    return [f"--defaults-extra-file={path}"], path


def table_counts(alias: str = "default", *, database: str | None = None) -> dict[str, int]:
    """Rows of every base table, in one consistent snapshot."""
    conn = connections[alias]
    if conn.in_atomic_block:  # START TRANSACTION would commit the caller's work
        raise BackupError("Count rows outside a transaction.")
    counts: dict[str, int] = {}
    with conn.cursor() as cursor:
        schema = database or conn.settings_dict["NAME"]
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")
        try:
            for table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM `{schema}`.`{table}`")  # noqa: S608
                counts[table] = int(cursor.fetchone()[0])
        finally:
            cursor.execute("COMMIT")
    return counts


def media_files(root: Path) -> dict[str, dict[str, Any]]:
    out = {}
    if not root.exists():
        return out
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(root).as_posix()
        out[rel] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    return out


def backup(*, target_dir: Path, now: dt.datetime | None = None) -> Path:
    """Write a backup folder under ``target_dir``; returns its path."""
    if connection.vendor != "mysql":
        raise BackupError("Backups need MariaDB (DATABASE_URL=mysql://...).")
    now = now or dt.datetime.now(dt.UTC)
    folder = Path(target_dir) / f"ebakul-{now:%Y%m%dT%H%M%SZ}"
    work = folder.with_name(folder.name + ".partial")
    if folder.exists() or work.exists():
        raise BackupError(f"{folder} already exists.")
    work.mkdir(parents=True)
    db = connection.settings_dict
    counts = table_counts()
    options, cnf = _client_options(db)
    try:
        with gzip.open(work / DUMP, "wb") as out:
            dump = subprocess.Popen(  # noqa: S603 - our program, our settings' database name
                [
                    _program("mariadb-dump"),
                    *options,
                    "--single-transaction",
                    "--quick",
                    "--routines",
                    "--triggers",
                    "--events",
                    "--hex-blob",
                    "--default-character-set=utf8mb4",
                    "--no-tablespaces",
                    db["NAME"],
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            assert dump.stdout is not None
            while block := dump.stdout.read(CHUNK):
                out.write(block)
            _, err = dump.communicate()
        if dump.returncode != 0:
            raise BackupError(f"mariadb-dump failed: {err.decode(errors='replace').strip()}")
    finally:
        os.unlink(cnf)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.copytree(media_root, work / FILES, symlinks=False)
    else:
        (work / FILES).mkdir()
    manifest = {
        "format": 1,
        "created_at": now.isoformat(),
        "database": db["NAME"],
        "tables": counts,
        "rows": sum(counts.values()),
        "dump": {"name": DUMP, "sha256": sha256_file(work / DUMP)},
        "files": media_files(work / FILES),
    }
    (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    work.rename(folder)  # complete, or not there at all
    return folder


def verify(folder: Path) -> dict:
    """The manifest, after checking the dump and every file against it."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"No readable manifest in {folder}: {exc}") from exc
    if sha256_file(folder / manifest["dump"]["name"]) != manifest["dump"]["sha256"]:
        raise BackupError("The database dump does not match its checksum.")
    found = media_files(folder / FILES)
    if set(found) != set(manifest["files"]):
        missing = sorted(set(manifest["files"]) - set(found))[:5]
        extra = sorted(set(found) - set(manifest["files"]))[:5]
        raise BackupError(f"Files differ from the manifest: missing {missing}, extra {extra}.")
    bad = [rel for rel, meta in manifest["files"].items() if found[rel] != meta]
    if bad:
        raise BackupError(f"Files do not match their checksums: {bad[:5]}.")
    return manifest


def restore(*, folder: Path, database: str, media_root: Path) -> dict:
    """Load a verified backup into ``database`` (created if missing, must be empty) and
    ``media_root``; returns {"tables": n, "rows": n, "files": n} after checking the counts."""
    if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", database):
        raise BackupError("A database name is letters, digits and underscores.")
    manifest = verify(folder)
    db = dict(connection.settings_dict)
    options, cnf = _client_options(db)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE DATABASE IF NOT EXISTS `{database}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
            cursor.execute(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s",
                [database],
            )
            if cursor.fetchone()[0]:
                raise BackupError(
                    f"The database {database} is not empty; restore into an empty one."
                )
        with gzip.open(Path(folder) / DUMP, "rb") as dump:
            load = subprocess.Popen(  # noqa: S603 - our program, a checked database name
                [_program("mariadb"), *options, "--default-character-set=utf8mb4", database],
                stdin=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            assert load.stdin is not None
            try:
                while block := dump.read(CHUNK):
                    load.stdin.write(block)
            finally:
                load.stdin.close()
            err = load.stderr.read() if load.stderr else b""
            load.wait()
        if load.returncode != 0:
            raise BackupError(f"Loading the dump failed: {err.decode(errors='replace').strip()}")
    finally:
        os.unlink(cnf)
    media_root = Path(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(Path(folder) / FILES, media_root, dirs_exist_ok=True)
    counts = table_counts(database=database)
    if counts != manifest["tables"]:
        diff = {
            t: (manifest["tables"].get(t), counts.get(t))
            for t in set(counts) | set(manifest["tables"])
            if counts.get(t) != manifest["tables"].get(t)
        }
        raise BackupError(f"Restored row counts differ from the manifest: {diff}")
    restored = media_files(media_root)
    bad = [rel for rel, meta in manifest["files"].items() if restored.get(rel) != meta]
    if bad:
        raise BackupError(f"Restored files differ from the manifest: {bad[:5]}")
    return {"tables": len(counts), "rows": sum(counts.values()), "files": len(manifest["files"])}


def prune(*, target_dir: Path, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Remove old backup folders: keep the newest ``keep_daily`` and the first backup of each
    of the newest ``keep_monthly`` months. Returns what was removed."""
    folders = sorted(
        (p for p in Path(target_dir).glob("ebakul-*") if p.is_dir() and (p / MANIFEST).exists()),
        key=lambda p: p.name,
    )
    keep = set(folders[-keep_daily:]) if keep_daily else set()
    firsts: dict[str, Path] = {}
    for p in folders:
        firsts.setdefault(p.name[len("ebakul-") : len("ebakul-") + 6], p)
    keep |= set(
        sorted(firsts.values(), key=lambda p: p.name)[-keep_monthly:] if keep_monthly else []
    )
    removed = [p for p in folders if p not in keep]
    for p in removed:
        shutil.rmtree(p)
    return removed
