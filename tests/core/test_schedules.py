"""Scheduled jobs in Indonesian words (issue 13): the desk's "Tugas terjadwal" list."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from ebakul.core.periods import WIB
from ebakul.core.schedules import clocked_label, crontab_label, interval_label, solar_label
from tests.language import visible_text


@pytest.mark.parametrize(
    ("cron", "words"),
    [
        (("0", "1", "7", "*", "*"), "setiap tanggal 7 pukul 01.00 WIB"),
        (("30", "23", "*", "*", "*"), "setiap hari pukul 23.30 WIB"),
        (("0", "8", "1,15", "*", "*"), "setiap tanggal 1 dan 15 pukul 08.00 WIB"),
        (("0", "7", "*", "*", "1"), "setiap hari Senin pukul 07.00 WIB"),
        (("0", "7", "*", "*", "0,5,6"), "setiap hari Minggu, Jumat dan Sabtu pukul 07.00 WIB"),
        (("0", "7", "*", "*", "7"), "setiap hari Minggu pukul 07.00 WIB"),
        (("0", "9", "10", "1,7", "*"), "setiap tanggal 10 bulan Januari dan Juli pukul 09.00 WIB"),
        (("5", "*", "*", "*", "*"), "setiap jam pada menit ke-5"),
        (("*/15", "*", "*", "*", "*"), "setiap 15 menit"),
        (("0", "8,20", "*", "*", "*"), "setiap hari pukul 08.00 dan 20.00 WIB"),
    ],
)
def test_crontab_in_words(cron, words):
    assert crontab_label(*cron, tz="Asia/Jakarta") == words


def test_crontab_other_zones_and_patterns_stay_indonesian():
    assert crontab_label("0", "1", "7", "*", "*", tz="UTC") == "setiap tanggal 7 pukul 01.00 UTC"
    odd = crontab_label("0-10", "1", "*", "*", "1-5", tz="Asia/Jakarta")
    assert odd.startswith("jadwal berkala: menit 0-10, jam 1")
    assert "WIB" in odd


@pytest.mark.parametrize(
    ("every", "period", "words"),
    [
        (10, "minutes", "setiap 10 menit"),
        (1, "hours", "setiap jam"),
        (1, "days", "setiap hari"),
        (30, "seconds", "setiap 30 detik"),
    ],
)
def test_interval_in_words(every, period, words):
    assert interval_label(every, period) == words


def test_clocked_and_solar_in_words():
    with translation.override("id"):
        at = dt.datetime(2026, 12, 7, 1, 0, tzinfo=WIB)
        assert clocked_label(at) == "sekali pada 7 Desember 2026 pukul 01.00 WIB"
    assert solar_label("sunrise", -7.15, 111.88) == (
        "setiap hari saat matahari terbit di koordinat -7,15; 111,88"
    )


@pytest.mark.django_db
def test_desk_list_of_scheduled_jobs_shows_words(admin_client, ref):
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    cron = CrontabSchedule.objects.create(
        minute="0", hour="1", day_of_month="7", timezone="Asia/Jakarta"
    )
    PeriodicTask.objects.create(name="Tutup periode", task="x.y", crontab=cron)
    every = IntervalSchedule.objects.create(every=10, period="minutes")
    PeriodicTask.objects.create(name="Pengingat", task="x.z", interval=every)
    html = admin_client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content
    text = " ".join(visible_text(html.decode()))
    assert "setiap tanggal 7 pukul 01.00 WIB" in text
    assert "setiap 10 menit" in text
    assert "Tugas terjadwal" in text
    assert "0 1 7 * *" not in text
    assert "Periodic" not in text
    html = admin_client.get(reverse("admin:django_celery_beat_crontabschedule_changelist"))
    assert "setiap tanggal 7 pukul 01.00 WIB" in html.content.decode()
