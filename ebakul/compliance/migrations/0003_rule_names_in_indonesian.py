"""The seeded rule was named in English ("Default (10% of the TPP ceiling, at least Rp300.000)").
Rename it (and any rule still carrying that seeded name) to the Indonesian name generated from
its numbers (ADR 0105). Reversible: the reverse restores the English seed name."""

from django.db import migrations

SEED_NAME = "Default (10% of the TPP ceiling, at least Rp300.000)"
MONTHS = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


def _percent(bp: int) -> str:
    whole, rest = divmod(bp, 100)
    return str(whole) if not rest else f"{whole},{rest:02d}".rstrip("0")


def _name(rule) -> str:
    text = f"{_percent(rule.rate_bp)}% dari pagu TPP"
    if rule.floor_amount:
        text += ", minimal Rp" + f"{rule.floor_amount:,}".replace(",", ".")
    d = rule.effective_from
    return text + f", sejak {d.day} {MONTHS[d.month - 1]} {d.year}"


def forwards(apps, schema_editor):
    SpendingRule = apps.get_model("compliance", "SpendingRule")
    for rule in SpendingRule.objects.filter(name=SEED_NAME):
        rule.name = _name(rule)
        rule.save(update_fields=["name"])


def backwards(apps, schema_editor):
    SpendingRule = apps.get_model("compliance", "SpendingRule")
    for rule in SpendingRule.objects.all():
        if rule.name == _name(rule) and rule.rate_bp == 1000 and rule.floor_amount == 300_000:
            rule.name = SEED_NAME
            rule.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_appeal_remedies_and_deduction_adjustments")]

    operations = [migrations.RunPython(forwards, backwards)]
