"""``manage.py recompute_fingerprints [--all] [--batch N] [--dry-run]``: receipt fingerprints
computed again from the stored files (docs/adr/0231).

Run once after upgrading to the paper's hashes (fingerprints made before them have none and are
found only by the first set), and with ``--all`` after any change to how the hashes are made.
Idempotent; scores already given are left as they are."""

from django.core.management.base import BaseCommand, CommandError

from ebakul.integrity.services import recompute_fingerprints


class Command(BaseCommand):
    help = "Compute receipt fingerprints again from the stored receipt files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="every fingerprint, not only those without paper"
        )
        parser.add_argument("--batch", type=int, default=200)
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, **opts):
        if opts["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        counts = recompute_fingerprints(
            everything=opts["all"],
            batch=opts["batch"],
            dry_run=opts["dry_run"],
            log=lambda line: self.stderr.write(line),
        )
        prefix = "would be " if opts["dry_run"] else ""
        self.stdout.write(
            f"{prefix}recomputed {counts['recomputed']}, unchanged {counts['unchanged']}, "
            f"receipt file not readable {counts['missing_file']}"
        )
