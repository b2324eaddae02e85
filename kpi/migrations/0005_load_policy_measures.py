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
    """Nothing to do: going back further, 0004 drops the measures' tables with their rows."""


class Migration(migrations.Migration):
    dependencies = [("kpi", "0004_measures_and_review")]

    operations = [migrations.RunPython(load, unload)]
