from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class DocumentSequence(models.Model):
    """Counters for readable document numbers (Frappe's naming series).

    A row per prefix; taken with a row lock so two writers never get the same number. Numbers
    of rolled-back transactions are reused, and a cancelled document keeps its number, so the
    series is gap-tolerant rather than gap-free.
    """

    prefix = models.CharField(_("prefix"), max_length=40, unique=True)
    last_value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("document sequence")
        verbose_name_plural = _("document sequences")

    def __str__(self):
        return f"{self.prefix}{self.last_value}"


def next_document_number(prefix: str, *, width: int = 5) -> str:
    """``next_document_number("EBK-PUR-2026-10-")`` → ``EBK-PUR-2026-10-00001``."""
    with transaction.atomic():
        seq, _created = DocumentSequence.objects.select_for_update().get_or_create(prefix=prefix)
        seq.last_value += 1
        seq.save(update_fields=["last_value"])
        return f"{prefix}{seq.last_value:0{width}d}"


class Notification(models.Model):
    """An in-app notification. Created by ``core.services.notify`` (in the transaction of the event)."""

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True, default="")
    url = models.CharField(_("link"), max_length=300, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=40, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class DemoDatabase(models.Model):
    """Present only in a database made for the demo (``manage.py mark_demo_database``, run by
    scripts/demo.sh on a fresh database). ``seed_demo`` refuses to write anywhere else: its
    accounts share a password printed on screen (docs/adr/0092-demo-database-mark.md)."""

    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("demo database mark")
        verbose_name_plural = _("demo database marks")

    def __str__(self):
        return f"demo database since {self.marked_at:%Y-%m-%d}"


class QueuedJob(models.Model):
    """Background work started by a write (``core.dispatch``), recorded in the write's own
    transaction. ``sent_at`` is set once the broker accepted it; until then the sweeper
    (``core.tasks.sweep_queued_jobs``, beat) tries again, so a broker outage loses nothing and
    a job is handed to the broker once (ADR 0310)."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("queued job")
        verbose_name_plural = _("queued jobs")
        indexes = [models.Index(fields=["sent_at", "created_at"], name="core_qjob_unsent_idx")]

    def __str__(self):
        return f"{self.task} #{self.pk}"

    @property
    def task_id(self) -> str:
        """The Celery task id: the same on every send, so a worker can tell a repeat."""
        return f"ebakul-job-{self.pk}"
