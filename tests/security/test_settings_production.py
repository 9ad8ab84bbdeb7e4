"""Findings 5 and 10: production-safe defaults. The production settings refuse to start without
their essentials (in plain words), set HSTS, SSL redirect, secure cookies, the proxy header and a
real mail backend, and pass ``check --deploy``; reset links never take their host from the
request; seed_demo refuses a database that is not marked as a demo one."""

import json
import re
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from ebakul.core.models import DemoDatabase
from ebakul.demo import seeder as demo
from tests.embedded import ROOT
from tests.factories import EmployeeFactory

# Dummy, non-secret values: what CI sets to check the production settings.
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "ci-dummy-key-not-secret-" + "k7Q2x9Lm4Rt8Wz1" * 3,
    "DJANGO_ALLOWED_HOSTS": "ebakul.example.org",
    "DATABASE_URL": "mysql://ebakul:ebakul@127.0.0.1:3306/ebakul_settings_check",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EBAKUL_SITE_URL": "https://ebakul.example.org",
    "EBAKUL_IDENTITY_HASH_KEY": "ci-dummy-identity-key-not-secret-" + "p3Vn8Qe2" * 4,
}
SHOW = (
    "import json, sys; from ebakul.settings import production as s; json.dump({k: getattr(s, k, "
    "None) for k in sys.argv[1:]}, sys.stdout)"
)


def run(args, **env):
    clean = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}  # noqa: S108
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def production_values(*names, **env):
    result = run(["-c", SHOW, *names], **{**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_secret_and_hosts_in_plain_words():
    result = run(
        ["manage.py", "check", "--settings=ebakul.settings.production"],
        DATABASE_URL=PRODUCTION_ENV["DATABASE_URL"],
        REDIS_URL=PRODUCTION_ENV["REDIS_URL"],
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "not '*'"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": ""}, "EMAIL_BACKEND"),
        ({"EBAKUL_SITE_URL": ""}, "EBAKUL_SITE_URL"),
        ({"EBAKUL_SITE_URL": "http://ebakul.example.org"}, "https://"),
    ],
)
def test_production_refuses_unsafe_values(env, complaint):
    result = run(
        ["manage.py", "check"],
        DJANGO_SETTINGS_MODULE="ebakul.settings.production",
        **{**PRODUCTION_ENV, **env},
    )
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_sets_https_headers_cookies_and_mail():
    values = production_values(
        "DEBUG",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "USE_X_FORWARDED_HOST",
        "EMAIL_BACKEND",
        "ALLOWED_HOSTS",
        EBAKUL_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        EBAKUL_HSTS_SECONDS="600",
    )
    assert values == {
        "DEBUG": False,
        "SECURE_HSTS_SECONDS": 600,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "USE_X_FORWARDED_HOST": False,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "ALLOWED_HOSTS": ["ebakul.example.org"],
    }
    # Without a proxy header configured, no header is believed; HSTS defaults to a year.
    values = production_values("SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS")
    assert values == {"SECURE_PROXY_SSL_HEADER": None, "SECURE_HSTS_SECONDS": 31536000}


def test_plain_http_lab_switch_turns_off_redirect_cookies_and_hsts():
    values = production_values(
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        EBAKUL_PLAIN_HTTP="1",
        EBAKUL_SITE_URL="http://10.0.0.5:8000",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
    }


def test_check_deploy_is_clean():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="ebakul.settings.production",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_reset_link_host_is_the_configured_site_not_the_host_header(
    client, merchant_user, settings
):
    settings.EBAKUL_SITE_URL = "https://ebakul.example.org"
    response = client.post(
        reverse("portal:password_reset"),
        {"email": merchant_user.email},
        HTTP_HOST="attacker.example",
    )
    assert response.status_code == 302
    [message] = mail.outbox
    links = re.findall(r"(https?)://([^/\s]+)/lupa-sandi/", message.body)
    assert links == [("https", "ebakul.example.org")]
    assert "attacker.example" not in message.body


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_not_marked_as_demo(ref):
    assert not DemoDatabase.objects.exists()
    with pytest.raises(CommandError, match="not marked as a demo database"):
        call_command("seed_demo", employees=5, merchants=2)
    with pytest.raises(CommandError, match="not marked as a demo database"):
        call_command("seed_demo", reset=True)
    with pytest.raises(demo.NotADemoDatabase):
        demo.seed_all(employees=5, merchants=2, log=lambda _m: None)
    assert not demo.demo_exists()


@pytest.mark.django_db
def test_a_database_with_real_data_cannot_be_marked_as_demo(ref):
    EmployeeFactory()  # a real (non-demo) employee
    with pytest.raises(CommandError, match="not demo"):
        call_command("mark_demo_database")
    assert not DemoDatabase.objects.exists()


@pytest.mark.django_db
def test_production_settings_cannot_mark_a_demo_database(ref, settings):
    settings.EBAKUL_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("mark_demo_database")
    assert not DemoDatabase.objects.exists()
