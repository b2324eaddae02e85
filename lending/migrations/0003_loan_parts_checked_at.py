"""Whether a return's parts check was answered becomes a field of the loan (it was only in the log)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lending", "0002_item_status_without_reserved"),
    ]

    operations = [
        migrations.AddField(
            model_name="loan",
            name="parts_checked_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "Empty until someone said which parts came back: staff at the counter with "
                    "the return, or the borrower at the kiosk just after it."
                ),
                null=True,
                verbose_name="parts checked at",
            ),
        ),
        migrations.AddConstraint(
            model_name="loan",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("parts_checked_at__isnull", True),
                    ("returned_at__isnull", False),
                    _connector="OR",
                ),
                name="lending_loan_parts_checked_after_return",
            ),
        ),
    ]
