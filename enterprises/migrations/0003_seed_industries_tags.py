"""Seed GB/T 4754-2017 (20 门类, 97 大类, with their statistical sector) and the tag taxonomy."""

from django.db import migrations

from enterprises.industries import seed_industries, seed_tags


def forwards(apps, schema_editor):
    seed_industries(apps.get_model("enterprises", "Industry"))
    seed_tags(apps.get_model("enterprises", "Tag"))


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_sector_history_importjob"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
