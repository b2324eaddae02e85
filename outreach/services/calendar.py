"""A volunteer's private calendar feed: made on first use, renewed on request."""

from django.db import transaction

from core.audit import audit_record
from outreach.models import CalendarFeed, new_calendar_token


def calendar_feed_for(*, volunteer) -> CalendarFeed:
    """The volunteer's feed; the first call makes it with a fresh secret."""
    feed, _created = CalendarFeed.objects.get_or_create(volunteer=volunteer)
    return feed


def calendar_feed_reset(*, volunteer, by) -> CalendarFeed:
    """Give the feed a new secret address; the old address stops working at once."""
    with transaction.atomic():
        calendar_feed_for(volunteer=volunteer)
        feed = CalendarFeed.objects.select_for_update().get(volunteer=volunteer)
        feed.token = new_calendar_token()
        feed.save(update_fields=["token"])
        # On the volunteer's record, so that 総務課 sees it in the volunteer's history.
        audit_record(actor=by, action="outreach.calendar.reset", target=volunteer)
    return feed
