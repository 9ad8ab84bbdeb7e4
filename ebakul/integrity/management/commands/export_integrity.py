"""``manage.py export_integrity YYYY-MM --output FILE.csv`` (issue 15)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ebakul.core.periods import clean_period
from ebakul.integrity.selectors import export_rows

COLUMNS = (
    "external_id",
    "document_number",
    "nip",
    "merchant_nib",
    "amount",
    "risk_score",
    "route",
    "signals",
)


class Command(BaseCommand):
    help = "One row per purchase of the period (and per refused import row)."

    def add_arguments(self, parser):
        parser.add_argument("period")
        parser.add_argument("--output", required=True)

    def handle(self, *args, **opts):
        import csv

        try:
            period = clean_period(opts["period"])
        except Exception as exc:
            raise CommandError(f"period must be YYYY-MM: {opts['period']}") from exc
        n = 0
        with Path(opts["output"]).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            for row in export_rows(period):
                writer.writerow(row)
                n += 1
        self.stdout.write(f"{n} rows in {opts['output']}")
