"""Volunteer sign-ups: classes needing help and signing up, and 総務課's staffing list,
attendance of volunteers and hours.

A volunteer sees class details, counts and fellow volunteers' names; never any
participant's personal data (the pages only read counts of participants).
"""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.audit import audit_history_of, with_changes
from core.exports import FORMATS, table_export_response
from core.fiscal import current_fiscal_year
from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import Role, has_role, role_required
from core.tables import CountedPaginator, SqlRows
from outreach import selectors, services
from outreach.forms import (
    ClassFilterForm,
    FiscalYearForm,
    SignupAttendanceForm,
    SignupForm,
    StaffingFilterForm,
)
from outreach.models import VolunteerSignup
from outreach.tables import HoursTable, StaffingTable
from volunteers import selectors as volunteer_selectors

from ._access import get_session_for_volunteers, get_signup_for_user


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
    session = get_session_for_volunteers(pk)
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
            "contact": volunteer_selectors.dx_contact(),
            "is_trained": bool(
                profile and volunteer_selectors.profile_is_trained(profile, timezone.localdate())
            ),
        },
    )


@require_POST
@role_required(Role.VOLUNTEER)
def signup_create(request, pk: int):
    """Sign up for a class as 講師 or 補助 (or join its waiting list)."""
    session = get_session_for_volunteers(pk)
    profile = _my_profile(request)
    form = SignupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose instructor or assistant."))
        return redirect("outreach:signup_class_detail", pk=pk)
    try:
        if profile is None:
            raise Refusal(_("Only approved volunteers can sign up for classes."))
        signup = services.signup_create(
            session=session, volunteer=profile, role=form.cleaned_data["role"], by=request.user
        )
    except Refusal as refusal:
        show_refusal(request, refusal)
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


def signup_cancel(request, pk: int):
    """Cancel a sign-up: your own until the cutoff, or any for 総務課. A volunteer is asked
    first (GET shows what is cancelled, with one more button); staff post from their list."""
    signup = get_signup_for_user(request, pk)
    is_staff = has_role(request.user, Role.DX_STAFF)
    if request.method != "POST":
        return render(
            request,
            "outreach/signups/signup_cancel_confirm.html",
            {"signup": signup, "session": signup.session},
        )
    try:
        promoted = services.signup_cancel(signup=signup, by=request.user, staff=is_staff)
    except Refusal as refusal:
        show_refusal(request, refusal)
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


@role_required(Role.DX_STAFF)
def staffing_list(request):
    """総務課: upcoming classes, the understaffed first, with how many more are needed."""
    form = StaffingFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    filters["now"] = timezone.now()  # the same instant for the rows and their count
    per_page = 50
    # The rows are read a page at a time in plain SQL (selectors.staffing_page, issue 18).
    fetch = partial(_staffing_page, filters)
    first, count = None, None
    if request.GET.get("page", "1") == "1":
        # Most days every upcoming class fits on the first page: read one row more than
        # the page and count them only when there are more (issue 18).
        first = fetch((), 0, per_page + 1)
        if len(first) <= per_page:
            count = len(first)
    if count is None:
        # One plain COUNT of the sessions: counting the grouped rows would count its groups.
        count = selectors.staffing_overview(**filters, grouped=False).count()
    table = StaffingTable(SqlRows(fetch, count=count, first=first))
    paginate = {"per_page": per_page, "paginator_class": CountedPaginator, "count": count}
    RequestConfig(request, paginate=paginate).configure(table)
    return render(request, "outreach/signups/staffing_list.html", {"table": table, "form": form})


def _staffing_page(filters: dict, order: tuple, offset: int, limit: int | None):
    return selectors.staffing_page(**filters, offset=offset, limit=limit)


def _staffing_detail(request, session, form=None, *, status: int = 200):
    signups = selectors.session_signups_for_staff(session)
    confirmed = [s for s in signups if s.status == VolunteerSignup.Status.CONFIRMED]
    if form is None:
        form = SignupAttendanceForm(
            signups=confirmed, default_hours=selectors.session_hours(session)
        )
    return render(
        request,
        "outreach/signups/staffing_detail.html",
        {
            "session": session,
            "staffing": selectors.staffing_of(session),
            "signups": signups,
            "confirmed": confirmed,
            "can_record": session.starts_at <= timezone.now(),
            "form": form,
            "history": with_changes(audit_history_of(signups, limit=50), VolunteerSignup),
            "course_skills": list(session.course.skills.all()),
            "matching": selectors.matching_volunteers(session),
        },
        status=status,
    )


@role_required(Role.DX_STAFF)
def staffing_detail(request, pk: int):
    """総務課: one class's volunteers, waiting list, cancellations and attendance."""
    return _staffing_detail(request, get_session_for_volunteers(pk))


@require_POST
@role_required(Role.DX_STAFF)
def signup_attendance(request, pk: int):
    """総務課 confirms which volunteers came, and their hours."""
    session = get_session_for_volunteers(pk)
    confirmed = [
        s
        for s in selectors.session_signups_for_staff(session)
        if s.status == VolunteerSignup.Status.CONFIRMED
    ]
    form = SignupAttendanceForm(
        request.POST, signups=confirmed, default_hours=selectors.session_hours(session)
    )
    if form.is_valid():
        try:
            services.signup_record_attendance(
                session=session, by=request.user, came=form.came(), hours=form.hours()
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("Attendance of volunteers was saved."))
            return redirect("outreach:staffing_detail", pk=pk)
    return _staffing_detail(request, session, form, status=400)


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
    current = current_fiscal_year()
    form = FiscalYearForm(
        request.GET or None, years=list(range(current, current - 5, -1)), name="fiscal_year"
    )
    fy = form.year(default=current)
    table = HoursTable(selectors.hours_per_volunteer(fy))
    export_format = request.GET.get("_export")
    if export_format in FORMATS:
        RequestConfig(request, paginate=False).configure(table)
        return table_export_response(table, export_format, f"volunteer-hours-{fy}")
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    return render(
        request,
        "outreach/signups/volunteer_hours.html",
        {"table": table, "fiscal_year": fy, "form": form},
    )
