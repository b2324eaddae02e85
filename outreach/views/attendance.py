"""The attendance sheet: one screen after the class."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.refusals import Refusal, show_refusal
from core.roles import Role, role_required
from outreach import services
from outreach.forms import AnonymousWalkInsForm, AttendanceRowForm, WalkInForm
from outreach.models import Application, ClassSession

from ._access import get_session_for_staff

NEW_WALK_IN_ROWS = 3


@role_required(Role.DX_STAFF)
def attendance_sheet(request, pk: int):
    """Mark attended/absent, add walk-ins and record the survey, all at once."""
    session = get_session_for_staff(request, pk)
    applications = list(
        session.applications.exclude(status=Application.Status.CANCELLED)
        .prefetch_related("attendances")
        .order_by("status", "name_kana", "id")
    )
    walk_ins = list(session.attendances.filter(is_walk_in=True).order_by("id"))
    data = request.POST or None
    rows = [
        (
            application,
            AttendanceRowForm(
                data,
                prefix=f"a{application.pk}",
                initial=AttendanceRowForm.initial_for(
                    next(iter(application.attendances.all()), None)
                ),
            ),
        )
        for application in applications
    ]
    walk_in_rows = [
        (
            attendance,
            AttendanceRowForm(
                data, prefix=f"w{attendance.pk}", initial=AttendanceRowForm.initial_for(attendance)
            ),
        )
        for attendance in walk_ins
    ]
    new_rows = [WalkInForm(data, prefix=f"new{i}") for i in range(NEW_WALK_IN_ROWS)]
    anonymous = AnonymousWalkInsForm(data, prefix="anon")
    forms = [f for _a, f in rows] + [f for _a, f in walk_in_rows] + new_rows + [anonymous]
    if request.method == "POST" and all(f.is_valid() for f in forms):
        try:
            # The whole sheet is saved or nothing is (each service nests its own atomic block).
            with transaction.atomic():
                # Two people saving the sheet of one class at once take turns here, before any
                # row: each service then locks its row, the session and the page-cache
                # versions (core.pagecache) in its own order, which could otherwise cross.
                list(ClassSession.objects.select_for_update().filter(pk=session.pk).values("pk"))
                _save_sheet(request.user, session, rows, walk_in_rows, new_rows, anonymous)
        except Refusal as refusal:
            show_refusal(request, refusal)
        else:
            messages.success(request, _("Attendance was saved."))
            return redirect("outreach:attendance_sheet", pk=session.pk)
    return render(
        request,
        "outreach/attendance_sheet.html",
        {
            "session": session,
            "rows": rows,
            "walk_in_rows": walk_in_rows,
            "new_rows": new_rows,
            "anonymous": anonymous,
            "attended": session.attendances.filter(status="attended").count(),
            "too_early": session.starts_at > timezone.now(),
        },
    )


def _save_sheet(user, session, rows, walk_in_rows, new_rows, anonymous) -> None:
    for application, form in rows:
        status = form.cleaned_data["status"]
        if status:
            services.attendance_mark(
                application=application, status=status, by=user, survey=form.survey()
            )
    for attendance, form in walk_in_rows:
        services.attendance_update_survey(
            attendance=attendance,
            by=user,
            status=form.cleaned_data["status"] or attendance.status,
            **form.survey(),
        )
    for form in new_rows:
        if form.is_used():
            services.attendance_add_walk_in(
                session=session,
                by=user,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                age_band=form.cleaned_data["age_band"] or "unknown",
                survey=form.survey(),
            )
    for _n in range(anonymous.cleaned_data.get("count") or 0):
        services.attendance_add_walk_in(session=session, by=user)
