"""The merchant's average rating copied onto its listings (docs/adr/0422), filled for the
reviews already written; reversing drops the column."""

from django.db import migrations, models
from django.db.models import Avg


def fill(apps, schema_editor):
    Listing = apps.get_model("marketplace", "Listing")
    Review = apps.get_model("marketplace", "Review")
    averages = Review.objects.values("merchant_id").annotate(avg=Avg("rating"))
    for row in averages:
        Listing.objects.filter(merchant_id=row["merchant_id"]).update(merchant_rating=row["avg"])


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0002_fulltext_search_indexes")]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="merchant_rating",
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
