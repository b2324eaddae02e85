"""Pages of the volunteers app: joining and own profile, and 総務課's roster and approvals."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from core.audit import audit_history
from core.roles import Role, has_role, role_required
from volunteers import selectors, services
from volunteers.filters import RosterFilter
from volunteers.forms import (
    AppointmentForm,
    ProfileForm,
    StaffNoteForm,
    StatusForm,
    TrainingForm,
)
from volunteers.models import VolunteerProfile
from volunteers.tables import RosterTable


def _profile_data(form: ProfileForm) -> tuple[dict, list[str]]:
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("skills", "consent")}
    return data, form.cleaned_data["skills"]


def me(request):
    """Your volunteer profile, or the form to join if you have not applied yet."""
    profile = selectors.profile_for_user(request.user)
    if profile is None:
        return redirect("volunteers:join")
    return redirect("volunteers:detail", pk=profile.pk)


def join(request):
    """Apply to become a デジタル活用支援員: profile and consent to the privacy notice."""
    if selectors.profile_for_user(request.user) is not None:
        return redirect("volunteers:me")
    form = ProfileForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        data, skills = _profile_data(form)
        try:
            services.profile_apply(user=request.user, data=data, skills=skills)
        except services.VolunteerError as exc:
            messages.error(request, str(exc))
            return redirect("volunteers:me")
        messages.success(
            request,
            _("Thank you. %(section)s will check your application and contact you.")
            % {"section": services.dx_contact()["section"]},
        )
        return redirect("volunteers:me")
    return render(
        request,
        "volunteers/join.html",
        {"form": form, "notice_version": services.privacy_notice_version()},
    )


def profile_edit(request):
    """Change your own details; a new privacy notice version asks for consent again."""
    profile = selectors.profile_for_user(request.user)
    if profile is None:
        return redirect("volunteers:join")
    current = services.privacy_notice_version()
    needs_consent = profile.privacy_notice_version != current
    form = ProfileForm(request.POST or None, instance=profile, ask_consent=needs_consent)
    if request.method == "POST" and form.is_valid():
        data, skills = _profile_data(form)
        services.profile_update(
            profile=profile, by=request.user, data=data, skills=skills, reconsent=needs_consent
        )
        messages.success(request, _("Your details were saved."))
        return redirect("volunteers:me")
    return render(
        request,
        "volunteers/profile_edit.html",
        {
            "form": form,
            "profile": profile,
            "needs_consent": needs_consent,
            "notice_version": current,
        },
    )


def detail(request, pk: int):
    """One volunteer's profile: the volunteer sees their own; 総務課 sees anyone's, with notes."""
    profile = selectors.get_profile_for_viewer(request.user, pk)
    is_staff = has_role(request.user, Role.DX_STAFF)
    context = {"profile": profile, "is_staff_view": is_staff, "today": timezone.localdate()}
    if is_staff:
        context.update(
            status_form=StatusForm(),
            training_form=TrainingForm(),
            appointment_form=AppointmentForm(),
            note_form=StaffNoteForm(),
            notes=profile.staff_notes.select_related("written_by"),
            history=audit_history(profile)[:50],
        )
    return render(request, "volunteers/detail.html", context)


@role_required(Role.DX_STAFF)
def roster(request):
    """総務課's roster of volunteers with filters, exportable as CSV or Excel."""
    queryset = selectors.profiles_for_lists()
    filterset = RosterFilter(request.GET or None, queryset=queryset)
    table = RosterTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    export_format = request.GET.get("_export")
    if TableExport.is_valid_format(export_format) and export_format in ("csv", "xlsx"):
        table = RosterTable(filterset.qs)
        RequestConfig(request, paginate=False).configure(table)
        exporter = TableExport(export_format, table)
        return exporter.response(f"volunteers-{timezone.localdate():%Y%m%d}.{export_format}")
    return render(request, "volunteers/roster.html", {"table": table, "filter": filterset})


@role_required(Role.DX_STAFF)
def approvals(request):
    """Applications waiting for approval, and デジタル推進委員 appointments about to lapse."""
    within = int(services.volunteer_settings().get("appointment_reminder_days", 30))
    return render(
        request,
        "volunteers/approvals.html",
        {
            "applications": selectors.approval_queue(),
            "lapsing": selectors.appointments_lapsing(
                today=timezone.localdate(), within_days=within
            ),
        },
    )


def _staff_profile(pk: int) -> VolunteerProfile:
    return get_object_or_404(VolunteerProfile, pk=pk)


@require_POST
@role_required(Role.DX_STAFF)
def approve(request, pk: int):
    """Approve an application: the applicant becomes a volunteer and may sign up."""
    profile = _staff_profile(pk)
    try:
        services.profile_approve(profile=profile, by=request.user)
    except services.VolunteerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s was approved.") % {"name": profile.full_name})
    if request.POST.get("next") == "queue":
        return redirect("volunteers:approvals")
    return redirect("volunteers:detail", pk=pk)


@require_POST
@role_required(Role.DX_STAFF)
def status_change(request, pk: int):
    """Set a volunteer active, paused or left."""
    profile = _staff_profile(pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.profile_change_status(
                profile=profile,
                by=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except services.VolunteerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The status was changed."))
    else:
        messages.error(request, _("Please choose a status."))
    return redirect("volunteers:detail", pk=pk)


def _staff_record_view(request, pk: int, form_class, save, success: str):
    profile = _staff_profile(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            save(profile, form.cleaned_data)
        except services.VolunteerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
            return redirect("volunteers:detail", pk=pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("volunteers:detail", pk=pk)


@require_POST
@role_required(Role.DX_STAFF)
def training_add(request, pk: int):
    """Record a completed training."""
    return _staff_record_view(
        request,
        pk,
        TrainingForm,
        lambda profile, data: services.training_record_add(
            profile=profile, by=request.user, **data
        ),
        _("The training was recorded."),
    )


@require_POST
@role_required(Role.DX_STAFF)
def appointment_add(request, pk: int):
    """Record a デジタル推進委員 appointment for a fiscal year."""
    return _staff_record_view(
        request,
        pk,
        AppointmentForm,
        lambda profile, data: services.appointment_add(profile=profile, by=request.user, **data),
        _("The appointment was recorded."),
    )


@require_POST
@role_required(Role.DX_STAFF)
def note_add(request, pk: int):
    """Add a staff-only note."""
    return _staff_record_view(
        request,
        pk,
        StaffNoteForm,
        lambda profile, data: services.staff_note_add(profile=profile, by=request.user, **data),
        _("The note was saved."),
    )
