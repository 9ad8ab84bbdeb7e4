"""The files in deploy/ checked by their own tools (issue 16): nginx -t and a real nginx in a
temporary prefix (upload limit, private media, request id), systemd-analyze verify, logrotate -d,
and the .env example starting the production settings. Nothing touches the machine's nginx."""

from __future__ import annotations

import http.server
import os
import pwd
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.notifications.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def parse_env(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", key), line
        env[key] = value.strip()
    return env


# --- nginx ---------------------------------------------------------------------------------------
def _nginx_prefix(tmp_path: Path, *, http_port: int, https_port: int, upstream: int) -> Path:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=ebakul.example.go.id"]
        + ["-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True,
        capture_output=True,
    )
    static = tmp_path / "static"
    static.mkdir()
    (static / "app.css").write_text("body{}")
    site = (DEPLOY / "nginx" / "ebakul.conf").read_text()
    site = site.replace("/etc/ssl/ebakul/", f"{tmp_path}/")
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    site = site.replace("/srv/ebakul/staticfiles/", f"{static}/")
    site = site.replace("server 127.0.0.1:8000", f"server 127.0.0.1:{upstream}")
    site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    (tmp_path / "ebakul.conf").write_text(site)
    temp = "\n".join(
        f"    {name}_temp_path {tmp_path}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Workers run as this test's user (root would otherwise switch to "nobody", who cannot read
    # pytest's private temporary folder).
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "worker_processes 1;\nevents {}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n{temp}\n"
        f"    access_log {tmp_path}/access.log;\n    include {tmp_path}/ebakul.conf;\n}}\n"
    )
    return tmp_path


def _nginx(prefix: Path, *args: str) -> list[str]:
    conf, errors = str(prefix / "nginx.conf"), str(prefix / "e.log")
    return [NGINX, "-p", str(prefix), "-c", conf, "-e", errors, *args]


def test_nginx_site_passes_nginx_t(tmp_path):
    prefix = _nginx_prefix(tmp_path, http_port=free_port(), https_port=free_port(), upstream=9)
    result = subprocess.run(_nginx(prefix, "-t"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_nginx_limit_matches_djangos_largest_body_limit():
    site = (DEPLOY / "nginx" / "ebakul.conf").read_text()
    [limit] = re.findall(r"client_max_body_size (\d+)m;", site)
    largest = max(size for _prefix, size in settings.EBAKUL["BODY_LIMITS"])
    assert int(limit) * 1024 * 1024 == largest


class _Upstream(http.server.BaseHTTPRequestHandler):
    seen: list[dict] = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        _Upstream.seen.append({"path": self.path, "request_id": self.headers["X-Request-ID"]})
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"app")

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def test_nginx_serving_refuses_big_bodies_and_never_serves_media(tmp_path):
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    http_port, https_port = free_port(), free_port()
    prefix = _nginx_prefix(
        tmp_path, http_port=http_port, https_port=https_port, upstream=upstream.server_port
    )
    media = tmp_path / "media-would-be-here.jpg"
    media.write_bytes(b"secret")
    proc = subprocess.Popen(_nginx(prefix, "-g", "daemon off;"), stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{http_port}"
        for _ in range(50):
            try:
                urllib.request.urlopen(base + "/healthz/", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        # Plain HTTP: only the health check reaches the app; everything else to HTTPS.
        assert urllib.request.urlopen(base + "/healthz/").read() == b"app"
        assert _Upstream.seen[-1]["request_id"] and len(_Upstream.seen[-1]["request_id"]) == 32
        with pytest.raises(urllib.error.HTTPError) as redirect:
            urllib.request.build_opener(_NoRedirect).open(base + "/masuk/")
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == "https://127.0.0.1/masuk/"

        import ssl

        tls = ssl.create_default_context()
        tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE
        https = f"https://127.0.0.1:{https_port}"

        def fetch(path, data=None):
            try:
                r = urllib.request.urlopen(https + path, data=data, context=tls, timeout=10)
                return r.status, r.read()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read()

        assert fetch("/masuk/") == (200, b"app")
        assert fetch("/static/app.css") == (200, b"body{}")
        # Private files are never read from disk, whatever the path.
        assert fetch("/media/../media-would-be-here.jpg")[1] != b"secret"
        seen = len(_Upstream.seen)
        assert fetch("/media/receipts/2026-11/abc.jpg")[0] == 404
        assert len(_Upstream.seen) == seen
        # Bodies over the limit never reach the app.
        assert fetch("/pegawai/belanja/baru/", data=b"x" * (11 * 1024 * 1024))[0] == 413
        assert len(_Upstream.seen) == seen
        assert fetch("/pegawai/belanja/baru/", data=b"x" * (1024 * 1024))[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        upstream.shutdown()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# --- systemd and logrotate -------------------------------------------------------------------------
@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    env = tmp_path / "ebakul.env"
    env.write_text((DEPLOY / "ebakul.env.example").read_text())
    units = []
    for unit in sorted((DEPLOY / "systemd").glob("ebakul-*")):
        text = unit.read_text()
        # The units name the installed paths; point them at this checkout's programs.
        text = text.replace("/srv/ebakul/app/.venv/bin/", f"{ROOT}/.venv/bin/")
        text = text.replace("/etc/ebakul/ebakul.env", str(env))
        (tmp_path / unit.name).write_text(text)
        units.append(str(tmp_path / unit.name))
    assert {Path(u).name for u in units} == {
        "ebakul-web.service",
        "ebakul-worker.service",
        "ebakul-beat.service",
        "ebakul-backup.service",
        "ebakul-backup.timer",
    }
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Unknown" not in result.stderr, result.stderr
    for unit in units:
        text = Path(unit).read_text()
        if unit.endswith(".service"):
            assert "ebakul.settings.production" in text and "User=ebakul" in text


def test_logrotate_config_passes_logrotate_debug(tmp_path):
    logrotate = shutil.which("logrotate") or "/usr/sbin/logrotate"
    text = (DEPLOY / "logrotate" / "ebakul").read_text()
    assert "create 0640 ebakul adm" in text
    # The service account exists on the server, not on this machine: check with root's.
    conf = tmp_path / "ebakul"
    conf.write_text(text.replace("create 0640 ebakul adm", "create 0640 root adm"))
    result = subprocess.run(
        [logrotate, "-d", "-s", str(tmp_path / "state"), str(conf)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower(), result.stderr
    assert "/var/log/ebakul/*.log" in result.stderr


# --- the .env example ------------------------------------------------------------------------------
def test_env_example_starts_the_production_settings():
    example = parse_env(DEPLOY / "ebakul.env.example")
    env = {"PATH": os.environ["PATH"], "HOME": "/tmp", **example}  # noqa: S108
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.DEBUG, settings.SECURE_SSL_REDIRECT,"
            " settings.LOGGING['handlers']['console']['formatter'])",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "ebakul.settings.production"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "json"]


def test_env_example_names_only_variables_the_code_reads():
    code = "\n".join(p.read_text() for p in (ROOT / "ebakul").rglob("*.py"))
    for key in parse_env(DEPLOY / "ebakul.env.example"):
        assert f'"{key}"' in code, f"{key} is not read anywhere"


def test_wsgi_and_celery_default_to_production_settings():
    for module in ("ebakul/wsgi.py", "ebakul/celery.py"):
        text = (ROOT / module).read_text()
        assert 'setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.production")' in text
