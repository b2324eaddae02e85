"""The calendar feed moves to outreach (outreach.CalendarFeed, migration 0004 there copies
every secret). First the old column may be empty, so that removing it can be undone: the
undo re-adds it empty and outreach puts each secret back before it is required again."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="volunteerprofile",
            name="calendar_token",
            field=models.CharField(
                blank=True,
                max_length=64,
                null=True,
                unique=True,
                verbose_name="calendar feed secret",
            ),
        ),
    ]
