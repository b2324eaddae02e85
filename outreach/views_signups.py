"""Volunteer sign-up pages: classes needing help, my page, calendar feed, activity record,
and 総務課's staffing list, attendance and hours.

A volunteer sees class details, counts and fellow volunteers' names; never any
participant's personal data (the pages only read counts of participants).
"""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig
from django_tables2.export import TableExport
from icalendar import Calendar, Event

from core.fiscal import current_fiscal_year, fiscal_year_label
from core.roles import Role, has_role, role_required
from outreach import selectors_signups as selectors
from outreach import services_signups as services
from outreach.forms_signups import ClassFilterForm, SignupForm, StaffingFilterForm
from outreach.models import ClassSession, VolunteerSignup
from outreach.tables_signups import HoursTable, StaffingTable
from volunteers import selectors as volunteer_selectors
from volunteers import services as volunteer_services

EXPORT_FORMATS = ("csv", "xlsx")


def _my_profile(request):
    return volunteer_selectors.profile_for_user(request.user)


@role_required(Role.VOLUNTEER)
def class_list(request):
    """Upcoming classes a volunteer can help at, with free places per role."""
    profile = _my_profile(request)
    form = ClassFilterForm(request.GET or None, initial={"only_open": True})
    filters = {"only_open": not request.GET}  # first visit: only classes with free places
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        filters["only_open"] = form.cleaned_data["only_open"]
    sessions = list(selectors.sessions_for_volunteers(volunteer=profile, **filters)[:200])
    for session in sessions:
        session.staffing = selectors.staffing_of(session)
    return render(
        request,
        "outreach/signups/class_list.html",
        {"form": form, "sessions": sessions, "profile": profile},
    )


@role_required(Role.VOLUNTEER, Role.DX_STAFF)
def class_detail(request, pk: int):
    """One class for volunteers: time, place, places per role, fellow volunteers' names."""
    session = selectors.get_session_for_volunteers(pk)
    profile = _my_profile(request)
    signup = selectors.signup_of(profile, session)
    return render(
        request,
        "outreach/signups/class_detail.html",
        {
            "session": session,
            "staffing": selectors.staffing_of(session),
            "fellows": selectors.fellow_volunteers(session),
            "profile": profile,
            "signup": signup,
            "may_cancel": bool(signup and selectors.may_cancel_self(signup)),
            "is_past": session.starts_at <= timezone.now(),
            "deadline": selectors.cancel_deadline(session),
            "contact": services.dx_contact(),
            "form": SignupForm(),
            "is_trained": bool(
                profile and volunteer_selectors.profile_is_trained(profile, timezone.localdate())
            ),
        },
    )


@require_POST
@role_required(Role.VOLUNTEER)
def signup_create(request, pk: int):
    """Sign up for a class as 講師 or 補助 (or join its waiting list)."""
    session = selectors.get_session_for_volunteers(pk)
    profile = _my_profile(request)
    form = SignupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose instructor or assistant."))
        return redirect("outreach:signup_class_detail", pk=pk)
    if profile is None:
        messages.error(request, _("Only approved volunteers can sign up for classes."))
        return redirect("outreach:signup_class_detail", pk=pk)
    try:
        signup = services.signup_create(
            session=session, volunteer=profile, role=form.cleaned_data["role"], by=request.user
        )
    except services.SignupError as exc:
        messages.error(request, str(exc))
    else:
        if signup.status == VolunteerSignup.Status.CONFIRMED:
            messages.success(request, _("Thank you. You are signed up for this class."))
        else:
            messages.warning(
                request,
                _(
                    "All places are taken; you are on the waiting list. We will mail you if a place becomes free."
                ),
            )
    return redirect("outreach:signup_class_detail", pk=pk)


@require_POST
def signup_cancel(request, pk: int):
    """Cancel a sign-up: your own until the cutoff, or any for 総務課."""
    is_staff = has_role(request.user, Role.DX_STAFF)
    if is_staff:
        try:
            signup = VolunteerSignup.objects.get(pk=pk)
        except VolunteerSignup.DoesNotExist as exc:
            raise Http404 from exc
    else:
        profile = _my_profile(request)
        if profile is None:
            raise Http404
        signup = selectors.get_signup_for_volunteer(profile, pk)
    try:
        promoted = services.signup_cancel(signup=signup, by=request.user, staff=is_staff)
    except services.SignupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The sign-up was cancelled."))
        if promoted and is_staff:
            messages.info(
                request,
                _("%(name)s moved up from the waiting list and was mailed.")
                % {"name": promoted.volunteer.display_name},
            )
    if is_staff and request.POST.get("next") == "staffing":
        return redirect("outreach:staffing_detail", pk=signup.session_id)
    return redirect("outreach:signup_class_detail", pk=signup.session_id)


@role_required(Role.VOLUNTEER)
def mypage(request):
    """A volunteer's page: upcoming sign-ups, history, hours, calendar feed."""
    profile = _my_profile(request)
    if profile is None:
        return redirect("volunteers:join")
    upcoming = list(selectors.upcoming_signups(profile))
    for signup in upcoming:
        signup.may_cancel = selectors.may_cancel_self(signup)
    return render(
        request,
        "outreach/signups/mypage.html",
        {
            "profile": profile,
            "upcoming": upcoming,
            "history": selectors.past_signups(profile)[:100],
            "hours": selectors.hours_by_fiscal_year(profile),
            "current_fiscal_year": current_fiscal_year(),
            "feed_url": settings.SITE_URL
            + reverse("outreach:signup_calendar_feed", args=[profile.calendar_token]),
            "contact": services.dx_contact(),
        },
    )


@require_POST
@role_required(Role.VOLUNTEER)
def calendar_reset(request):
    """Give the calendar feed a new secret address; the old one stops working."""
    profile = _my_profile(request)
    if profile is None:
        raise Http404
    volunteer_services.profile_reset_calendar_token(profile=profile, by=request.user)
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
    profile = volunteer_selectors.profile_by_calendar_token(token)
    if profile is None:
        raise Http404
    since = timezone.now() - timedelta(days=90)
    signups = (
        selectors.signups_for_volunteer(profile)
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
    profile = _my_profile(request)
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


@role_required(Role.DX_STAFF)
def staffing_list(request):
    """総務課: upcoming classes, the understaffed first, with how many more are needed."""
    form = StaffingFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    table = StaffingTable(selectors.staffing_overview(**filters))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "outreach/signups/staffing_list.html", {"table": table, "form": form})


@role_required(Role.DX_STAFF)
def staffing_detail(request, pk: int):
    """総務課: one class's volunteers, waiting list, cancellations and attendance."""
    session = selectors.get_session_for_volunteers(pk)
    signups = selectors.session_signups_for_staff(session)
    return render(
        request,
        "outreach/signups/staffing_detail.html",
        {
            "session": session,
            "staffing": selectors.staffing_of(session),
            "signups": signups,
            "confirmed": [s for s in signups if s.status == VolunteerSignup.Status.CONFIRMED],
            "can_record": session.starts_at <= timezone.now(),
            "default_hours": selectors.session_hours(session),
        },
    )


@require_POST
@role_required(Role.DX_STAFF)
def signup_attendance(request, pk: int):
    """総務課 confirms which volunteers came, and their hours."""
    session = selectors.get_session_for_volunteers(pk)
    came = {int(v) for v in request.POST.getlist("came") if v.isdigit()}
    hours: dict[int, Decimal] = {}
    for key, value in request.POST.items():
        if key.startswith("hours_") and key[6:].isdigit() and value.strip():
            try:
                hours[int(key[6:])] = Decimal(value.strip())
            except InvalidOperation:
                messages.error(request, _("Hours must be a number, for example 2 or 1.5."))
                return redirect("outreach:staffing_detail", pk=pk)
    try:
        services.signup_record_attendance(session=session, by=request.user, came=came, hours=hours)
    except services.SignupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Attendance of volunteers was saved."))
    return redirect("outreach:staffing_detail", pk=pk)


@role_required(Role.DX_STAFF)
def volunteer_history(request, pk: int):
    """総務課: one volunteer's sign-ups and hours per fiscal year."""
    profile = volunteer_selectors.get_profile_for_viewer(request.user, pk)
    return render(
        request,
        "outreach/signups/volunteer_history.html",
        {
            "profile": profile,
            "signups": selectors.signups_for_volunteer(profile).order_by(
                "-session__starts_at", "-id"
            )[:500],
            "hours": selectors.hours_by_fiscal_year(profile),
        },
    )


@role_required(Role.DX_STAFF)
def volunteer_hours(request):
    """総務課: classes and hours per volunteer for a fiscal year (CSV/Excel export)."""
    try:
        fy = int(request.GET.get("fiscal_year", current_fiscal_year()))
    except ValueError:
        fy = current_fiscal_year()
    table = HoursTable(selectors.hours_per_volunteer(fy))
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        RequestConfig(request, paginate=False).configure(table)
        return TableExport(export_format, table).response(f"volunteer-hours-{fy}.{export_format}")
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    current = current_fiscal_year()
    return render(
        request,
        "outreach/signups/volunteer_hours.html",
        {
            "table": table,
            "fiscal_year": fy,
            "years": [(y, fiscal_year_label(y)) for y in range(current, current - 5, -1)],
        },
    )
