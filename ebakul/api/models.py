"""Integration clients (e-TPP and any later consumer) and their hashed API keys.

A key is ``ebk_<prefix>_<secret>``. Only the prefix (to find the row) and the SHA-256 of the whole
key are stored; the key itself is shown once when it is created (see docs/adr/0040-api-keys.md).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ebakul.core.models import TimeStampedModel

SCOPE_READ = "etpp:read"
SCOPE_WRITE = "etpp:write"
SCOPE_CATALOGUE_READ = "catalogue:read"
SCOPE_CHOICES = [
    (SCOPE_READ, _("e-TPP: read (periods, deductions, compliance)")),
    (SCOPE_WRITE, _("e-TPP: write (acknowledgements, employee sync)")),
    (SCOPE_CATALOGUE_READ, _("Catalogue: read (products of verified local businesses)")),
]
ALL_SCOPES = tuple(code for code, _label in SCOPE_CHOICES)
validate_rate = RegexValidator(
    r"^[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)$",
    _('Write a rate as requests/period, e.g. "600/min" or "20/s".'),
)


class IntegrationClient(TimeStampedModel):
    """A system that calls the API. Its service user is the actor of every write it makes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, default="")
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="integration_client",
        verbose_name=_("service user"),
    )
    rate_limit = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        default="",
        validators=[validate_rate],
        help_text=_('Requests per key, e.g. "600/min". Empty: the system default.'),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("integration client")
        verbose_name_plural = _("integration clients")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ApiKey(TimeStampedModel):
    client = models.ForeignKey(
        IntegrationClient,
        on_delete=models.CASCADE,
        related_name="keys",
        verbose_name=_("integration client"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True, default="")
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.client} · {self.prefix}…"

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])
