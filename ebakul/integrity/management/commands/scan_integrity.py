"""``manage.py scan_integrity YYYY-MM [--dry-run]``: the period's behaviour scan (issue 15)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ebakul.core.periods import clean_period
from ebakul.integrity.behaviour import scan_period


class Command(BaseCommand):
    help = "Run the behaviour scan of one period and score its purchases again."

    def add_arguments(self, parser):
        parser.add_argument("period")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **opts):
        try:
            period = clean_period(opts["period"])
        except Exception as exc:
            raise CommandError(f"period must be YYYY-MM: {opts['period']}") from exc
        with transaction.atomic():
            stats = scan_period(period)
            if opts["dry_run"]:
                transaction.set_rollback(True)
        self.stdout.write(f"{stats}")
