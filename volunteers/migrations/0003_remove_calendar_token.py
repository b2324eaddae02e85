"""The calendar feed secret now lives in outreach.CalendarFeed (copied by outreach 0004,
which runs before this migration: outreach declares it, this app never names outreach)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_calendar_token_nullable")]

    operations = [
        migrations.RemoveField(model_name="volunteerprofile", name="calendar_token"),
    ]
