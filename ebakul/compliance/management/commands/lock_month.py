from django.core.management.base import BaseCommand

from ebakul.compliance import services
from ebakul.compliance.tasks import JOB_LOCK

from ._common import run_with_progress


class Command(BaseCommand):
    help = "Lock a period (YYYY-MM): its TPP deductions become final and visible to e-TPP."

    def add_arguments(self, parser):
        parser.add_argument("period", help="YYYY-MM")

    def handle(self, *args, period, **options):
        run_with_progress(self, job=JOB_LOCK, period=period, service=services.lock_period)
