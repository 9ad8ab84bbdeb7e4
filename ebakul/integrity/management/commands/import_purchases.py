"""``manage.py import_purchases FILE.csv --receipts DIR [--workers N] [--dry-run]`` (issue 15)."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ebakul.core.errors import DomainError
from ebakul.integrity import imports


class Command(BaseCommand):
    help = "Import purchases of the running programme through the portal's services."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--receipts", required=True, help="folder of the receipt photos")
        parser.add_argument("--workers", type=int, default=1, help=f"(cores: {os.cpu_count()})")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--no-ocr",
            action="store_true",
            help="do not read the receipts here (the queue reads them after the import)",
        )
        parser.add_argument("--result", help="per-row result file (default FILE.result.csv)")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        receipts = Path(opts["receipts"])
        if not path.is_file():
            raise CommandError(f"{path} not found")
        if not receipts.is_dir():
            raise CommandError(f"{receipts} is not a folder")
        try:
            summary = imports.import_rows(
                imports.read_rows(path),
                receipts_dir=receipts,
                workers=max(1, opts["workers"]),
                dry_run=opts["dry_run"],
                read=False if opts["no_ocr"] else None,
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        result = Path(opts["result"] or f"{path}.result.csv")
        imports.write_results(summary, result)
        counts = ", ".join(
            f"{k}: {summary.count(k)}"
            for k in ("imported", "would_import", "already_imported", "refused")
        )
        self.stdout.write(f"{counts}; result per row in {result}")
