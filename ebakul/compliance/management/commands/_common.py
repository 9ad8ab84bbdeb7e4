import time

from django.core.management.base import CommandError

from ebakul.compliance.jobs import run_job
from ebakul.compliance.models import JobRunStatus
from ebakul.core.errors import DomainError
from ebakul.core.periods import validate_period


def run_with_progress(command, *, job: str, period: str, service) -> None:
    """Run ``service(period=, progress=)`` under the job lock, printing each stage."""
    try:
        validate_period(period)
    except Exception as exc:
        raise CommandError(str(exc)) from exc
    started = time.monotonic()

    def progress(stage: str, done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        if total:
            width = 30
            filled = int(width * done / total)
            bar = "#" * filled + "." * (width - filled)
            command.stdout.write(
                f"\r  {stage:<9} [{bar}] {done}/{total}  {elapsed:6.1f}s", ending=""
            )
            if done >= total:
                command.stdout.write("")
        else:
            command.stdout.write(f"  {stage} …  {elapsed:6.1f}s")
        command.stdout.flush()

    try:
        run = run_job(job=job, period=period, fn=lambda: service(period=period, progress=progress))
    except DomainError as exc:
        raise CommandError(str(exc)) from exc
    if run.status == JobRunStatus.REFUSED:
        raise CommandError(run.message)
    command.stdout.write(command.style.SUCCESS(f"{job} {period}: {run.status} in {run.message}"))
    for key, value in run.stats.items():
        command.stdout.write(f"  {key}: {value}")
