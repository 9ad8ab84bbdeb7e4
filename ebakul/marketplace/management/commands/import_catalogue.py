from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ebakul.marketplace.importer import RowError, import_rows, write_results


class Command(BaseCommand):
    help = (
        "Import products and services from a CSV (merchant_nib,name,description,price,unit,"
        "category_code,available,photo_file); idempotent on (merchant, name). Writes "
        "FILE.result.csv with the outcome of every row."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--photos", help="Folder of the photo files named in photo_file.")
        parser.add_argument("--dry-run", action="store_true", help="Check only, save nothing.")
        parser.add_argument("--result", help="Where to write the result (default FILE.result.csv).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} not found")
        photos = Path(options["photos"]) if options.get("photos") else None
        if photos is not None and not photos.is_dir():
            raise CommandError(f"{photos} is not a folder")
        try:
            results = import_rows(path, photos=photos, dry_run=options["dry_run"])
        except RowError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options.get("result") or path.with_suffix(".result.csv"))
        write_results(results, out)
        counts: dict[str, int] = {}
        for r in results:
            counts[r.outcome] = counts.get(r.outcome, 0) + 1
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no rows"
        prefix = "dry run, nothing saved — " if options["dry_run"] else ""
        self.stdout.write(f"{prefix}{summary}; result in {out}")
