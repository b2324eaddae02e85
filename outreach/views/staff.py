"""総務課 pages: the session list, planning single sessions and series, applications."""

from functools import partial

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.audit import audit_history, with_changes
from core.exports import FORMATS, table_export_response
from core.filters import give_options
from core.fiscal import current_fiscal_year
from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import Role, role_required
from core.selectors import open_call_count
from core.tables import CountedPaginator, SqlRows
from outreach import selectors, services
from outreach.filters import SessionFilter
from outreach.forms import SeriesForm, SessionCancelForm, SessionForm, StaffApplicationForm
from outreach.models import Application, ClassSession, VolunteerSignup
from outreach.tables import SessionTable

from ._access import get_application_for_staff, get_session_for_staff


@role_required(Role.DX_STAFF)
def session_list(request):
    """All sessions with filters; held sessions without attendance are flagged."""
    # Without a choice, show this fiscal year rather than every session ever planned.
    data = request.GET or {"fiscal_year": str(current_fiscal_year())}
    export_format = request.GET.get("_export")
    if export_format in FORMATS:
        table = SessionTable(SessionFilter(data, queryset=selectors.session_list_queryset()).qs)
        RequestConfig(request, paginate=False).configure(table)
        return table_export_response(table, export_format, "classes")
    # The page's rows are read in plain SQL (selectors.session_list_page, held to
    # session_list_queryset by tests); the warning covers the fiscal year shown (this one
    # without a choice), not every year, and is counted in one statement with the rows' count.
    session_filter = SessionFilter(data)  # its queryset is not read: the rows come in SQL
    chosen = session_filter.chosen()
    courses, venues = selectors.session_list_options()
    give_options(session_filter.form.fields["course"], courses)
    give_options(session_filter.form.fields["venue"], venues)
    count, flagged = selectors.session_list_counts(chosen, fiscal_year=chosen.get("fiscal_year"))
    rows = SqlRows(
        partial(selectors.session_list_page, chosen),
        count=count,
        sortable=selectors.SESSION_LIST_ORDER,
    )
    table = SessionTable(rows)
    RequestConfig(
        request, paginate={"per_page": 50, "paginator_class": CountedPaginator, "count": count}
    ).configure(table)
    return render(
        request,
        "outreach/session_list.html",
        {
            "filter": session_filter,
            "table": table,
            "flagged": flagged,
            "open_calls": open_call_count(request.user),
        },
    )


@role_required(Role.DX_STAFF)
def session_create(request):
    """Plan one session."""
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = services.session_create(by=request.user, **form.session_values())
        messages.success(request, _("The session was saved."))
        return redirect("outreach:session_detail", pk=session.pk)
    return render(request, "outreach/session_form.html", {"form": form, "session": None})


@role_required(Role.DX_STAFF)
def session_edit(request, pk: int):
    """Edit one session (also one session of a series)."""
    session = get_session_for_staff(request, pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, by=request.user, **form.session_values())
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("outreach:session_detail", pk=session.pk)
    # ModelForm validation may have changed the instance in memory; show the stored values.
    return render(request, "outreach/session_form.html", {"form": form, "session": session})


@role_required(Role.DX_STAFF)
def session_cancel(request, pk: int):
    """Cancel one session after a confirmation page: everyone concerned is told."""
    session = get_session_for_staff(request, pk)
    form = SessionCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                session=session, by=request.user, reason=form.cleaned_data["reason"]
            )
        except Refusal as refusal:
            show_refusal(request, refusal)
        else:
            calls = open_call_count(request.user)
            messages.success(
                request,
                _(
                    "The session was cancelled. Everyone who applied and every volunteer is "
                    "told: by e-mail, or on the call list (%(calls)s open calls)."
                )
                % {"calls": calls},
            )
        return redirect("outreach:session_detail", pk=session.pk)
    people = session.applications.filter(
        status__in=[Application.Status.CONFIRMED, Application.Status.WAITLISTED]
    ).aggregate(
        total=Count("id"),
        without_email=Count("id", filter=Q(email="")),
    )
    return render(
        request,
        "outreach/session_cancel.html",
        {
            "session": session,
            "form": form,
            "people": people,
            "volunteers": session.volunteer_signups.exclude(
                status=VolunteerSignup.Status.CANCELLED
            ).count(),
        },
    )


@role_required(Role.DX_STAFF)
def series_create(request):
    """Plan a run of sessions from a rule: preview first, then save."""
    form = SeriesForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            preview = services.series_preview(
                rule=data["rule"],
                first_date=data["first_date"],
                last_date=data["last_date"],
                status=data["status"],
            )
            if "confirm" in request.POST:
                series = services.series_create(
                    course=data["course"],
                    venue=data["venue"],
                    title=data["title"],
                    rule=data["rule"],
                    first_date=data["first_date"],
                    last_date=data["last_date"],
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                    capacity=data["capacity"],
                    instructor_places=data["instructor_places"],
                    assistant_places=data["assistant_places"],
                    status=data["status"],
                    by=request.user,
                )
                messages.success(
                    request,
                    _("%(n)s sessions were created.") % {"n": series.sessions.count()},
                )
                return redirect("outreach:session_list")
        except Refusal as refusal:
            put_on_form(form, refusal)
            preview = None
    return render(request, "outreach/series_form.html", {"form": form, "preview": preview})


@role_required(Role.DX_STAFF)
def session_detail(request, pk: int):
    """One session: its applications, the fast application form and the history."""
    session = get_session_for_staff(request, pk)
    applications = session.applications.order_by("status", "created_at", "id")
    return render(
        request,
        "outreach/session_detail.html",
        {
            "session": session,
            "applications": applications,
            "form": StaffApplicationForm(),
            "history": with_changes(
                audit_history(session, limit=20),
                ClassSession,
                actions={
                    "outreach.session.changed",
                    "outreach.session.cancelled",
                    "outreach.session.held",
                },
            ),
        },
    )


@role_required(Role.DX_STAFF)
def staff_apply(request, pk: int):
    """Enter an application taken by phone or at the counter."""
    session = get_session_for_staff(request, pk)
    form = StaffApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_create(
                session=session,
                name=data["name"],
                name_kana=data["name_kana"],
                phone=data["phone"],
                email=data["email"],
                language=data["language"],
                age_band=data["age_band"] or "unknown",
                phone_type=data["phone_type"],
                wants_to_learn=data["wants_to_learn"],
                channel=data["channel"],
                by=request.user,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            if application.status == Application.Status.CONFIRMED:
                text = _("Confirmed. Reference number: %(ref)s")
            else:
                text = _("The class is full: put on the waiting list. Reference number: %(ref)s")
            messages.success(
                request, text % {"ref": services.format_reference(application.reference)}
            )
            return redirect("outreach:session_detail", pk=session.pk)
    return render(request, "outreach/staff_apply.html", {"session": session, "form": form})


@require_POST
@role_required(Role.DX_STAFF)
def application_cancel(request, pk: int):
    """Cancel one application (the next person on the waiting list moves up)."""
    application = get_application_for_staff(request, pk)
    try:
        promoted = services.application_cancel(application=application, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The application was cancelled."))
        for moved in promoted:
            if moved.email:
                text = _("%(name)s moved up from the waiting list and is told by e-mail.")
            else:
                text = _("%(name)s moved up from the waiting list: they are on the call list.")
            messages.info(request, text % {"name": moved.name})
    return redirect("outreach:session_detail", pk=application.session_id)
