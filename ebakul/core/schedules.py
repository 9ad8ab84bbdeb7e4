"""Schedules of django-celery-beat in plain Indonesian (issue 13): "setiap tanggal 7 pukul
01.00 WIB" instead of a cron string. Used by the desk's list of scheduled jobs
("Tugas terjadwal", ``ebakul/core/admin.py``)."""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

DAY_NAMES = ("Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu")
MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT", "UTC": "UTC"}
INTERVAL_UNITS = {
    "days": "hari",
    "hours": "jam",
    "minutes": "menit",
    "seconds": "detik",
    "microseconds": "mikrodetik",
}
SOLAR_EVENTS = {
    "sunrise": "matahari terbit",
    "sunset": "matahari terbenam",
    "solar_noon": "tengah hari matahari",
    "dawn_astronomical": "fajar astronomis",
    "dawn_civil": "fajar sipil",
    "dawn_nautical": "fajar nautika",
    "dusk_astronomical": "senja astronomis",
    "dusk_civil": "senja sipil",
    "dusk_nautical": "senja nautika",
}
NUMBERS = re.compile(r"[0-9]+(,[0-9]+)*\Z")


def _join(items: list[str]) -> str:
    """["1", "10", "20"] -> "1, 10 dan 20"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " dan " + items[-1]


def _numbers(field: str) -> list[int] | None:
    return [int(x) for x in field.split(",")] if NUMBERS.match(field) else None


def _zone(name) -> str:
    return ZONES.get(str(name), str(name))


def crontab_label(minute, hour, day_of_month, month_of_year, day_of_week, tz="UTC") -> str:
    """A crontab schedule in Indonesian; a pattern it cannot put in words is described field by
    field (still in Indonesian)."""
    minute, hour = str(minute).strip(), str(hour).strip()
    dom, moy, dow = (str(x).strip() for x in (day_of_month, month_of_year, day_of_week))
    zone = _zone(tz)
    minutes, hours = _numbers(minute), _numbers(hour)
    step = re.fullmatch(r"\*/([0-9]+)", minute)

    if minutes and hours:
        times = [f"{h:02d}.{m:02d}" for h in hours for m in minutes]
        when = f"pukul {_join(times)} {zone}"
    elif minutes and hour == "*":
        when = f"setiap jam pada menit ke-{_join([str(m) for m in minutes])}"
    elif step and hour == "*":
        when = f"setiap {step.group(1)} menit"
    elif minute == "*" and hour == "*":
        when = "setiap menit"
    else:
        return (
            f"jadwal berkala: menit {minute}, jam {hour}, tanggal {dom}, bulan {moy}, "
            f"hari {dow} ({zone})"
        )

    days, weekdays, months = _numbers(dom), _numbers(dow), _numbers(moy)
    if dom == "*" and dow == "*":
        day = "setiap hari"
    elif days and dow == "*":
        day = f"setiap tanggal {_join([str(d) for d in days])}"
    elif weekdays and dom == "*" and all(0 <= d <= 7 for d in weekdays):
        day = f"setiap hari {_join([DAY_NAMES[d % 7] for d in weekdays])}"
    else:
        return (
            f"jadwal berkala: menit {minute}, jam {hour}, tanggal {dom}, bulan {moy}, "
            f"hari {dow} ({zone})"
        )
    if months and all(1 <= m <= 12 for m in months):
        day += f" bulan {_join([MONTH_NAMES[m - 1] for m in months])}"
    elif moy != "*":
        day += f" bulan {moy}"
    if when.startswith("setiap"):  # "setiap jam ..." already says how often within the day
        return f"{when}, {day}" if day != "setiap hari" else when
    return f"{day} {when}"


def interval_label(every: int, period: str) -> str:
    unit = INTERVAL_UNITS.get(period, period)
    return f"setiap {unit}" if every == 1 else f"setiap {every} {unit}"


def clocked_label(clocked_time) -> str:
    local = timezone.localtime(clocked_time)
    return f"sekali pada {date_format(local, 'j F Y')} pukul {local:%H.%M} {_zone(local.tzinfo)}"


def solar_label(event: str, latitude, longitude) -> str:
    where = f"{latitude}; {longitude}".replace(".", ",")
    return f"setiap hari saat {SOLAR_EVENTS.get(event, event)} di koordinat {where}"


def schedule_label(task) -> str:
    """The schedule of a ``PeriodicTask`` in words."""
    if task.crontab_id:
        c = task.crontab
        return crontab_label(
            c.minute, c.hour, c.day_of_month, c.month_of_year, c.day_of_week, c.timezone
        )
    if task.interval_id:
        return interval_label(task.interval.every, task.interval.period)
    if task.clocked_id:
        return clocked_label(task.clocked.clocked_time)
    if task.solar_id:
        s = task.solar
        return solar_label(s.event, s.latitude, s.longitude)
    return _("No schedule")
