"""The test clock: helpers that move "now" with time-machine.

The compute and the lock refuse to run before a period's verification close (only a simulation
may, ADR 0100). Tests that build a period and close it straight away use ``compute_period`` and
``lock_period`` from here: they travel to just after the verification close (when "now" is
before it), run the real service, and come back.
"""

import datetime as dt
import itertools
from contextlib import contextmanager

import time_machine
from django.utils import timezone


@contextmanager
def travel(when: dt.datetime, *, tick: bool = True):
    with time_machine.travel(when, tick=tick):
        yield


_travels = itertools.count(1)


@contextmanager
def after_verification_close(period: str):
    """Run the block just after ``period``'s verification close (a later moment each time, so
    successive closes keep their order), or now when that is already past."""
    from ebakul.compliance.models import Period
    from ebakul.compliance.selectors import period_get_or_create

    period_get_or_create(period)
    close = Period.objects.get(period=period).verification_close
    if timezone.now() > close:
        yield
        return
    with travel(close + dt.timedelta(minutes=1, seconds=5 * next(_travels))):
        yield


def compute_period(**kwargs):
    from ebakul.compliance import services

    with after_verification_close(kwargs["period"]):
        return services.compute_period(**kwargs)


def lock_period(**kwargs):
    from ebakul.compliance import services

    with after_verification_close(kwargs["period"]):
        return services.lock_period(**kwargs)
