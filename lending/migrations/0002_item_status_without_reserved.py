"""``Item.Status.RESERVED`` goes: nothing ever set it (future bookings live in ItemDay)."""

from django.db import migrations, models


def reserved_to_available(apps, schema_editor):
    # Never set by the code; a row an admin may have set by hand is on the shelf.
    Item = apps.get_model("lending", "Item")
    Item.objects.filter(status="reserved").update(status="available")


class Migration(migrations.Migration):
    dependencies = [
        ("lending", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(reserved_to_available, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="item",
            name="lending_item_status_valid",
        ),
        migrations.AlterField(
            model_name="item",
            name="status",
            field=models.CharField(
                choices=[
                    ("available", "Available"),
                    ("on_loan", "On loan"),
                    ("awaiting_inspection", "Awaiting inspection"),
                    ("in_repair", "In repair"),
                    ("retired", "Retired"),
                ],
                default="available",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AddConstraint(
            model_name="item",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["available", "on_loan", "awaiting_inspection", "in_repair", "retired"])
                ),
                name="lending_item_status_valid",
            ),
        ),
    ]
