"""Each volunteer's calendar feed secret moves here from volunteers.VolunteerProfile.

Every existing secret is copied, so every feed address already in a phone's calendar
keeps working. Runs before volunteers drops its column (``run_before``: the app above
declares the order, the app below never names it). The audit entries of renewed
addresses follow the action to its new name."""

import secrets

import django.db.models.deletion
from django.db import migrations, models

import outreach.models.signups


def copy_tokens(apps, schema_editor):
    profiles = apps.get_model("volunteers", "VolunteerProfile")
    feeds = apps.get_model("outreach", "CalendarFeed")
    feeds.objects.bulk_create(
        feeds(volunteer_id=pk, token=token)
        for pk, token in profiles.objects.exclude(calendar_token=None)
        .exclude(calendar_token="")
        .values_list("pk", "calendar_token")
    )
    entries = apps.get_model("core", "AuditEntry")
    entries.objects.filter(action="volunteers.calendar.reset").update(
        action="outreach.calendar.reset"
    )


def copy_tokens_back(apps, schema_editor):
    profiles = apps.get_model("volunteers", "VolunteerProfile")
    feeds = apps.get_model("outreach", "CalendarFeed")
    tokens = dict(feeds.objects.values_list("volunteer_id", "token"))
    for profile in profiles.objects.all():
        # A volunteer whose feed was never opened gets a fresh secret, as on joining.
        profile.calendar_token = tokens.get(profile.pk) or secrets.token_urlsafe(32)
        profile.save(update_fields=["calendar_token"])
    entries = apps.get_model("core", "AuditEntry")
    entries.objects.filter(action="outreach.calendar.reset").update(
        action="volunteers.calendar.reset"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0003_volunteer_signups"),
        ("volunteers", "0002_calendar_token_nullable"),
        ("core", "0003_audit_action_names"),
    ]
    run_before = [("volunteers", "0003_remove_calendar_token")]

    operations = [
        migrations.CreateModel(
            name="CalendarFeed",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "token",
                    models.CharField(
                        default=outreach.models.signups.new_calendar_token,
                        max_length=64,
                        unique=True,
                        verbose_name="calendar feed secret",
                    ),
                ),
                (
                    "volunteer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="calendar_feed",
                        to="volunteers.volunteerprofile",
                        verbose_name="volunteer",
                    ),
                ),
            ],
            options={
                "verbose_name": "calendar feed",
                "verbose_name_plural": "calendar feeds",
            },
        ),
        migrations.RunPython(copy_tokens, copy_tokens_back),
    ]
