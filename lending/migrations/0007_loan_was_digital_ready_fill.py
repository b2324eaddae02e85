"""Fill ``Loan.was_digital_ready`` for loans handed out before the field existed.

Nothing older records what a type's flag was on the day of a hand-out, so past loans
take the flag their type has now (what the KPI used until then: the published
figures do not move). The reverse clears the field again.
"""

from django.db import migrations


def copy_the_type_flag(apps, schema_editor):
    Loan = apps.get_model("lending", "Loan")
    Loan.objects.filter(
        handed_out_at__isnull=False, item__equipment_type__is_digital_ready=True
    ).update(was_digital_ready=True)


def clear_the_flag(apps, schema_editor):
    Loan = apps.get_model("lending", "Loan")
    Loan.objects.filter(was_digital_ready=True).update(was_digital_ready=False)


class Migration(migrations.Migration):
    dependencies = [("lending", "0006_loan_was_digital_ready")]

    operations = [migrations.RunPython(copy_the_type_flag, clear_the_flag)]
