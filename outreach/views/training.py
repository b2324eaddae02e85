"""総務課: the staff list (from the personnel list), security training per person, and who
has not attended it yet."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.exports import CSV_TYPE
from core.fiscal import current_fiscal_year, fiscal_year_label
from core.imports import DEFAULT_MAX_BYTES, run_import
from core.refusals import Refusal, put_on_form
from core.roles import Role, role_required
from outreach import selectors, services
from outreach.imports import STAFF_LIST
from outreach.models import Attendance, Course, Section, StaffMember

from ._access import get_session_for_staff

PER_PAGE = 100


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Personnel list (CSV file)"),
        help_text=gettext_lazy("UTF-8 or Shift_JIS (as saved by Excel), 2 MB at most."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > DEFAULT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (2 MB at most)."))
        return upload


class UntrainedFilterForm(forms.Form):
    fy = forms.TypedChoiceField(label=gettext_lazy("Fiscal year"), coerce=int, required=False)
    years = forms.TypedChoiceField(
        label=gettext_lazy("Not attended in the last"),
        coerce=int,
        required=False,
        choices=[
            (n, gettext_lazy("%(count)s fiscal year(s)") % {"count": n})
            for n in range(1, selectors.MAX_YEARS + 1)
        ],
    )
    section = forms.ModelChoiceField(
        label=gettext_lazy("Staff section"),
        queryset=Section.objects.all(),
        required=False,
        empty_label=gettext_lazy("All sections"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = current_fiscal_year()
        self.fields["fy"].choices = [
            (y, fiscal_year_label(y)) for y in range(today, today - selectors.MAX_YEARS - 1, -1)
        ]

    def choice(self) -> tuple[int, int, Section | None]:
        data = self.cleaned_data if self.is_valid() else {}
        return (
            data.get("fy") or current_fiscal_year(),
            data.get("years") or 1,
            data.get("section"),
        )


class StaffAttendanceForm(forms.Form):
    employee_number = forms.CharField(
        label=gettext_lazy("Employee number"),
        max_length=20,
        help_text=gettext_lazy("As on the personnel list, for example 012345."),
    )

    def clean_employee_number(self) -> StaffMember:
        number = self.cleaned_data["employee_number"].strip()
        member = StaffMember.objects.filter(employee_number=number).select_related("section")
        found = member.first()
        if found is None:
            raise forms.ValidationError(_("No one on the staff list has this employee number."))
        return found


@role_required(Role.DX_STAFF)
@require_GET
def staff_list(request):
    """The staff list as imported from the personnel list, by section (paged)."""
    staff = StaffMember.objects.select_related("section").order_by(
        "-is_active", "section__sort_order", "section__name", "name_kana", "employee_number"
    )
    page = Paginator(staff, PER_PAGE).get_page(request.GET.get("page"))
    counts = StaffMember.objects.aggregate(
        active=Count("id", filter=Q(is_active=True)),
        inactive=Count("id", filter=Q(is_active=False)),
    )
    return render(request, "outreach/staff/staff_list.html", {"page": page, "counts": counts})


@role_required(Role.DX_STAFF)
@require_http_methods(["GET", "POST"])
def staff_import(request):
    """Upload the personnel list; checked first, then the staff list follows it (all or nothing)."""
    form = StaffImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        dry_run = "check_only" in request.POST
        result = run_import(
            STAFF_LIST, data=form.cleaned_data["file"].read(), by=request.user, dry_run=dry_run
        )
        if result.ok and not dry_run:
            messages.success(
                request,
                _("The staff list follows the personnel list: %(count)s changes.")
                % {"count": result.saved},
            )
            return redirect("outreach:staff_list")
    return render(
        request,
        "outreach/staff/staff_import.html",
        {"form": form, "result": result, "columns": STAFF_LIST.columns},
    )


@role_required(Role.DX_STAFF)
@require_GET
def staff_import_template(request):
    """An empty personnel-list CSV with the headings and one example row."""
    response = HttpResponse(STAFF_LIST.template_csv(), content_type=CSV_TYPE)
    response["Content-Disposition"] = 'attachment; filename="tsunagu-staff.csv"'
    return response


@role_required(Role.DX_STAFF)
@require_GET
def untrained_staff(request):
    """Who has not attended security training in the year (or the last N years), by section."""
    form = UntrainedFilterForm(request.GET or None)
    fiscal_year, years, section = form.choice()
    staff = selectors.untrained_staff(fiscal_year=fiscal_year, years=years, section=section)
    page = Paginator(staff, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/staff/untrained.html",
        {
            "form": form,
            "fiscal_year": fiscal_year,
            "first_year": fiscal_year - years + 1,
            "years": years,
            "page": page,
            "sections": selectors.training_by_section(fiscal_year=fiscal_year, years=years),
        },
    )


@role_required(Role.DX_STAFF)
@require_http_methods(["GET", "POST"])
def staff_attendance(request, pk: int):
    """Record by employee number which members of staff attended a staff course."""
    session = get_session_for_staff(request, pk)
    form = StaffAttendanceForm(request.POST or None)
    is_staff_course = session.course.audience == Course.Audience.STAFF
    if is_staff_course and request.method == "POST" and form.is_valid():
        member = form.cleaned_data["employee_number"]
        try:
            services.attendance_add_staff(session=session, staff_member=member, by=request.user)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": member.name})
            return redirect("outreach:staff_attendance", pk=session.pk)
    attendees = (
        Attendance.objects.filter(session=session, staff_member__isnull=False)
        .select_related("staff_member__section")
        .order_by("staff_member__section__sort_order", "staff_member__name_kana")
    )
    unnamed = Attendance.objects.filter(
        session=session, staff_member__isnull=True, status=Attendance.Status.ATTENDED
    ).count()
    return render(
        request,
        "outreach/staff/staff_attendance.html",
        {
            "session": session,
            "form": form,
            "attendees": attendees,
            "unnamed": unnamed,
            "is_staff_course": is_staff_course,
        },
    )
