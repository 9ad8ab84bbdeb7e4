from django.core.management.base import BaseCommand

from ebakul.compliance import services
from ebakul.compliance.tasks import JOB_COMPUTE

from ._common import run_with_progress


class Command(BaseCommand):
    help = "Compute monthly compliance and draft TPP deductions for a period (YYYY-MM)."

    def add_arguments(self, parser):
        parser.add_argument("period", help="YYYY-MM")

    def handle(self, *args, period, **options):
        run_with_progress(self, job=JOB_COMPUTE, period=period, service=services.compute_period)
