"""The volunteer's one page: their registration, sign-ups, hours, 活動実績 and calendar
feed, plus the feed itself and the printable activity record.

Outreach shows it because a volunteer's week is made of classes; the profile it
summarises belongs to ``volunteers`` (which reaches this page without naming it:
see ``volunteer_home`` in outreach's AppConfig).
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from core.fiscal import current_fiscal_year
from core.roles import Role, has_role, role_required
from outreach import selectors, services
from outreach.models import ClassSession, VolunteerSignup
from volunteers import selectors as volunteer_selectors

from ._access import get_own_profile


def mypage(request):
    """A volunteer's page: registration, upcoming sign-ups, past classes, hours, calendar."""
    profile = get_own_profile(request)
    if profile is None:
        return redirect("volunteers:join")
    is_volunteer = has_role(request.user, Role.VOLUNTEER)
    context = {
        "profile": profile,
        "is_volunteer": is_volunteer,
        "contact": volunteer_selectors.dx_contact(),
    }
    if profile.status != profile.Status.APPLIED:
        upcoming = list(selectors.upcoming_signups(profile))
        for signup in upcoming:
            signup.may_cancel = selectors.may_cancel_self(signup)
        context.update(
            upcoming=upcoming,
            released=list(selectors.released_signups(profile)[:50]),
            past=selectors.past_signups(profile)[:100],
            hours=selectors.hours_by_fiscal_year(profile),
            current_fiscal_year=current_fiscal_year(),
        )
    if is_volunteer:
        feed = services.calendar_feed_for(volunteer=profile)
        context["feed_url"] = settings.SITE_URL + reverse(
            "outreach:signup_calendar_feed", args=[feed.token]
        )
        # webcal:// opens the phone's calendar app straight on "subscribe".
        context["webcal_url"] = "webcal://" + context["feed_url"].split("://", 1)[-1]
    return render(request, "outreach/signups/mypage.html", context)


@role_required(Role.VOLUNTEER)
def calendar_reset(request):
    """Give the calendar feed a new secret address; the old one stops working. GET asks
    first: a phone that subscribed to the old address loses the classes."""
    profile = volunteer_selectors.profile_for_user(request.user)
    if profile is None:
        raise Http404
    if request.method != "POST":
        return render(request, "outreach/signups/calendar_reset_confirm.html")
    services.calendar_feed_reset(volunteer=profile, by=request.user)
    messages.success(
        request,
        _("Your calendar has a new address. Add the new address to your phone's calendar again."),
    )
    return redirect("outreach:volunteer_mypage")


@login_not_required
@require_GET
@never_cache
def calendar_feed(request, token: str):
    """Private iCalendar feed of a volunteer's classes, opened by its secret address."""
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        raise Http404
    since = timezone.now() - timedelta(days=90)
    signups = (
        selectors.signups_for_volunteer(feed.volunteer)
        .filter(status=VolunteerSignup.Status.CONFIRMED, session__starts_at__gte=since)
        .exclude(session__status=ClassSession.Status.CANCELLED)
        .order_by("session__starts_at")
    )
    calendar = Calendar()
    calendar.add("prodid", f"-//Tsunagu//{settings.TSUNAGU['city']['name_en']}//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Volunteer classes"))
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    for signup in signups:
        session = signup.session
        event = Event()
        event.add("uid", f"volunteer-signup-{signup.pk}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{session.title}（{signup.get_role_display()}）")
        event.add(
            "location", f"{session.venue.name} {session.room} {session.venue.address}".strip()
        )
        event.add(
            "description",
            settings.SITE_URL + reverse("outreach:signup_class_detail", args=[session.pk]),
        )
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tsunagu-volunteer.ics"'
    return response


@role_required(Role.VOLUNTEER)
def activity_record(request, fiscal_year: int):
    """Printable 活動実績 of the signed-in volunteer for one fiscal year."""
    profile = volunteer_selectors.profile_for_user(request.user)
    if profile is None:
        raise Http404
    signups = list(selectors.attended_signups(profile, fiscal_year))
    total = sum((s.hours or Decimal("0") for s in signups), Decimal("0"))
    return render(
        request,
        "outreach/signups/activity_record.html",
        {
            "profile": profile,
            "fiscal_year": fiscal_year,
            "signups": signups,
            "total_hours": total,
            "printed_on": timezone.localdate(),
        },
    )
