"""FULLTEXT indexes of the normalised search columns on MariaDB (docs/adr/0401). SQLite (the
demo) has none and searches with LIKE over the same normalised columns."""

from django.db import migrations

INDEXES = (
    ("listing_ft_name", "`name_norm`"),
    ("listing_ft_all", "`name_norm`, `body_norm`"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "mysql":
        return
    for name, columns in INDEXES:
        schema_editor.execute(
            f"CREATE FULLTEXT INDEX `{name}` ON `marketplace_listing` ({columns})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "mysql":
        return
    for name, _columns in INDEXES:
        schema_editor.execute(f"DROP INDEX `{name}` ON `marketplace_listing`")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("marketplace", "0001_catalogue_orders_reviews")]

    operations = [migrations.RunPython(create, drop)]
