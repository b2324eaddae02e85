"""A calendar address subscribed before the feed moved from volunteers to outreach keeps
working after the migrations, and the migrations can be undone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from icalendar import Calendar

from core.models import AuditEntry
from outreach.models import CalendarFeed

BEFORE = [("volunteers", "0001_initial"), ("outreach", "0003_volunteer_signups")]
OLD_SECRET = "an-address-already-in-a-phone-calendar-0123456789abcdef"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_subscribed_calendar_address_survives_the_move(client):
    old = _migrate(BEFORE)
    user = old.get_model("core", "User").objects.create(
        email="old-feed@example.jp", full_name="以前 一郎"
    )
    now = timezone.now()
    profile = old.get_model("volunteers", "VolunteerProfile").objects.create(
        user=user,
        full_name="以前 一郎",
        full_name_kana="いぜん いちろう",
        affiliation="citizen",
        privacy_consented_at=now,
        privacy_notice_version="1",
        status="active",
        approved_at=now,
        calendar_token=OLD_SECRET,
    )
    content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="volunteers", model="volunteerprofile"
    )[0]
    old.get_model("core", "AuditEntry").objects.create(
        action="volunteers.calendar.reset",
        actor_label="以前 一郎",
        target_type=content_type,
        target_id=str(profile.pk),
        target_repr="以前 一郎",
    )
    try:
        _migrate(_latest())
        response = client.get(f"/volunteering/calendar/{OLD_SECRET}.ics")
        assert response.status_code == 200
        Calendar.from_ical(response.content)
        assert CalendarFeed.objects.get(token=OLD_SECRET).volunteer_id == profile.pk
        assert AuditEntry.objects.get(target_id=str(profile.pk)).action == (
            "outreach.calendar.reset"
        )

        # Undone, the secret is back on the profile and the entry under its old name.
        old = _migrate(BEFORE)
        profiles = old.get_model("volunteers", "VolunteerProfile")
        assert profiles.objects.get(pk=profile.pk).calendar_token == OLD_SECRET
        entries = old.get_model("core", "AuditEntry")
        assert entries.objects.get(target_id=str(profile.pk)).action == (
            "volunteers.calendar.reset"
        )
    finally:
        _migrate(_latest())
