from django.db import migrations


def load(apps, schema_editor):
    from issues.catalogue_data import load_catalogue

    load_catalogue(apps.get_model("issues", "Category"))


class Migration(migrations.Migration):
    dependencies = [("issues", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
