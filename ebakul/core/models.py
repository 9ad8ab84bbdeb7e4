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
