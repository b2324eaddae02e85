"""Load the pillar-3 measures (個別取り組み) from the city's measures file."""

from django.db import migrations

from kpi.measures_file import load_measures, read_measures


def load(apps, schema_editor):
    load_measures(
        apps.get_model("kpi", "Measure"),
        apps.get_model("kpi", "PlanPeriod"),
        apps.get_model("kpi", "KpiDefinition"),
        read_measures(),
    )


def unload(apps, schema_editor):
    Measure = apps.get_model("kpi", "Measure")
    codes = [(entry["period"], entry["code"]) for entry in read_measures()]
    for period, code in codes:
        Measure.objects.filter(period__code=period, code=code, checks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("kpi", "0004_measures_and_review")]

    operations = [migrations.RunPython(load, unload)]
