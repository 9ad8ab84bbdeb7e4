from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ebakul.core.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = (
        "Verify a backup folder and restore it into an EMPTY database and a media folder, then "
        "check the restored row counts and files against the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by manage.py backup")
        parser.add_argument("--database", required=False, help="target database (empty)")
        parser.add_argument("--media-root", required=False, help="target folder for the files")
        parser.add_argument(
            "--verify-only", action="store_true", help="check the checksums and stop"
        )

    def handle(self, *args, folder, **options):
        try:
            if options["verify_only"]:
                manifest = verify(Path(folder))
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Backup intact: {manifest['rows']} rows in {len(manifest['tables'])} "
                        f"tables, {len(manifest['files'])} files."
                    )
                )
                return
            if not options["database"] or not options["media_root"]:
                raise CommandError("Say where: --database NAME --media-root PATH.")
            if options["database"] == connection.settings_dict["NAME"]:
                raise CommandError(
                    "Restore into a new database, then point DATABASE_URL at it; the running "
                    "database is never overwritten."
                )
            result = restore(
                folder=Path(folder),
                database=options["database"],
                media_root=Path(options["media_root"]),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result['rows']} rows in {result['tables']} tables and "
                f"{result['files']} files; counts and checksums match the manifest."
            )
        )
