import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ebakul.core.backup import BackupError, backup, prune


class Command(BaseCommand):
    help = (
        "Back up the database (mariadb-dump --single-transaction) and the uploaded files into "
        "a new folder with a manifest of row counts and checksums (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=os.environ.get("EBAKUL_BACKUP_DIR", ""),
            help="where backup folders are written (default: $EBAKUL_BACKUP_DIR)",
        )
        parser.add_argument("--keep-daily", type=int, default=None, help="then keep N newest")
        parser.add_argument(
            "--keep-monthly", type=int, default=None, help="and the first of N newest months"
        )

    def handle(self, *args, **options):
        if not options["dir"]:
            raise CommandError("Say where: --dir or EBAKUL_BACKUP_DIR.")
        target = Path(options["dir"])
        try:
            folder = backup(target_dir=target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written: {folder}"))
        if options["keep_daily"] is not None or options["keep_monthly"] is not None:
            removed = prune(
                target_dir=target,
                keep_daily=options["keep_daily"] or 0,
                keep_monthly=options["keep_monthly"] or 0,
            )
            for p in removed:
                self.stdout.write(f"Removed old backup {p}")
