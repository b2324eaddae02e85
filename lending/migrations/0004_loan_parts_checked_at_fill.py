"""Fill ``Loan.parts_checked_at`` from what was recorded before the field existed.

- A kiosk answer left an audit entry ``lending.loan.parts_missing`` or
  ``lending.loan.parts_complete`` on the loan: the latest one is when it was answered.
- At the counter staff tick the parts with the return: answered at ``returned_at``.
- A loan with missing parts but neither (data entered by hand): answered at its return.

The reverse empties the field again (the audit entries are left as they are).
"""

from django.db import migrations
from django.db.models import F

PARTS_ACTIONS = ["lending.loan.parts_missing", "lending.loan.parts_complete"]


def fill_from_the_log(apps, schema_editor):
    Loan = apps.get_model("lending", "Loan")
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    loan_type = ContentType.objects.filter(app_label="lending", model="loan").first()
    if loan_type is not None:
        answered = {}
        entries = AuditEntry.objects.filter(target_type=loan_type, action__in=PARTS_ACTIONS)
        for target_id, at in entries.order_by("at", "pk").values_list("target_id", "at"):
            answered[target_id] = at  # the latest answer wins
        for target_id, at in answered.items():
            if target_id.isdigit():
                Loan.objects.filter(pk=int(target_id), returned_at__isnull=False).update(
                    parts_checked_at=at
                )
    unanswered = Loan.objects.filter(parts_checked_at__isnull=True, returned_at__isnull=False)
    unanswered.filter(returned_via="counter").update(parts_checked_at=F("returned_at"))
    unanswered.exclude(missing_components=[]).update(parts_checked_at=F("returned_at"))


def empty_the_field(apps, schema_editor):
    Loan = apps.get_model("lending", "Loan")
    Loan.objects.filter(parts_checked_at__isnull=False).update(parts_checked_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("lending", "0003_loan_parts_checked_at"),
        ("core", "0003_audit_action_names"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(fill_from_the_log, empty_the_field),
    ]
