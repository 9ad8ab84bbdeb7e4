from django.core.management.base import BaseCommand
from django.db import transaction

from ebakul.core.reference import run_all


class Command(BaseCommand):
    help = "Load reference data (kecamatan, categories, job classes, units, roles, workflows, "
    "rules, schedules). Idempotent: creates what is missing, keeps administrators' edits."

    def handle(self, *args, **options):
        with transaction.atomic():
            run_all(log=lambda msg: self.stdout.write(msg))
        self.stdout.write(self.style.SUCCESS("Reference data ready."))
