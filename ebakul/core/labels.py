"""Words for things Django stores in English (issue 13).

Permission names are written into the database in English when the tables are migrated
("Can view purchase", "Can change historical purchase"); the desk shows them from the current
model names and Indonesian verbs instead.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext as _

PERMISSION_VERBS = {
    "add": "Menambah",
    "change": "Mengubah",
    "delete": "Menghapus",
    "view": "Melihat",
}


def permission_label(permission) -> str:
    """ "Pembelian | Melihat riwayat pembelian" for ``purchases.view_historicalpurchase``."""
    ct = permission.content_type
    model = ct.model_class()
    try:
        app_name = apps.get_app_config(ct.app_label).verbose_name
    except LookupError:
        app_name = ct.app_label
    verb, _sep, _rest = permission.codename.partition("_")
    if model is None or verb not in PERMISSION_VERBS:
        return f"{app_name} | {_(permission.name)}"
    original = getattr(model, "instance_type", None)  # a simple-history model
    noun = _model_noun(original or model)
    if original is not None:
        noun = f"riwayat {noun}"
    return f"{app_name} | {PERMISSION_VERBS[verb]} {noun}"


def _model_noun(model) -> str:
    """The model's name; for Django's automatic many-to-many rows, the two things they link."""
    if model._meta.auto_created:
        linked = [
            str(f.related_model._meta.verbose_name) for f in model._meta.fields if f.is_relation
        ]
        return "kaitan " + " dan ".join(linked)
    return str(model._meta.verbose_name)


class PermissionLabelsMixin:
    """For ModelAdmins with a permissions field (groups, users)."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field
