"""`Issue.region`: the enterprise's region copied onto the issue, for the region-scoped lists.

Added nullable, filled from each issue's enterprise in one UPDATE, then made required.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_enterprise_regions(apps, schema_editor):
    Issue = apps.get_model("issues", "Issue")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    region = Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("region_id")
    Issue.objects.update(region_id=Subquery(region))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_policy_editor_role"),
        ("enterprises", "0003_seed_industries_tags"),
        ("issues", "0006_issueevent_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="issue",
            name="region",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.region",
                verbose_name="辖区",
            ),
        ),
        migrations.RunPython(copy_enterprise_regions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="issue",
            name="region",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.region",
                verbose_name="辖区",
            ),
        ),
    ]
