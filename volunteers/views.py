"""Pages of the volunteers app: joining and own details, and 総務課's roster and approvals.

A volunteer's own page (profile beside sign-ups, hours and calendar) is shown by the
app that declares ``volunteer_home`` in its AppConfig; this app finds it there and
never names it, so its URLs, menus and templates point only downwards.
"""

from django.apps import apps
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.audit import audit_history, with_changes
from core.exports import FORMATS, table_export_response
from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import Role, has_role, role_required, user_roles
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


def _volunteer_home() -> str:
    """The URL name of a volunteer's own page, declared by the app that shows it ('' if none)."""
    for config in apps.get_app_configs():
        if name := getattr(config, "volunteer_home", ""):
            return name
    return ""


def _pages_about(profile: VolunteerProfile, user) -> list[tuple[str, str]]:
    """Links other apps declare for one volunteer (``volunteer_pages``), for this viewer."""
    roles = user_roles(user)
    return [
        (str(label), reverse(url_name, args=[profile.pk]))
        for config in apps.get_app_configs()
        for label, url_name, allowed in getattr(config, "volunteer_pages", [])
        if not allowed or roles & set(allowed)
    ]


def _profile_data(form: ProfileForm) -> tuple[dict, list[str]]:
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("skills", "consent")}
    return data, form.cleaned_data["skills"]


def me(request):
    """Your own page, or the form to join if you have not applied yet."""
    profile = selectors.profile_for_user(request.user)
    if profile is None:
        return redirect("volunteers:join")
    if home := _volunteer_home():
        return redirect(home)
    return render(request, "volunteers/detail.html", _detail_context(request, profile))


def join(request):
    """Apply to become a デジタル活用支援員: profile and consent to the privacy notice."""
    if selectors.profile_for_user(request.user) is not None:
        return redirect("volunteers:me")
    form = ProfileForm(
        request.POST or None,
        initial={"full_name": request.user.full_name, "language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        data, skills = _profile_data(form)
        try:
            services.profile_apply(user=request.user, data=data, skills=skills)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(
                request,
                _("Thank you. %(section)s will check your application and contact you.")
                % {"section": selectors.dx_contact()["section"]},
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
        try:
            services.profile_update(
                profile=profile, by=request.user, data=data, skills=skills, reconsent=needs_consent
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
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


def _detail_context(request, profile: VolunteerProfile, **forms) -> dict:
    is_staff = has_role(request.user, Role.DX_STAFF)
    context = {"profile": profile, "is_staff_view": is_staff, "today": timezone.localdate()}
    if is_staff:
        context.update(
            status_form=forms.get("status_form") or StatusForm(),
            training_form=forms.get("training_form") or TrainingForm(),
            appointment_form=forms.get("appointment_form") or AppointmentForm(),
            note_form=forms.get("note_form") or StaffNoteForm(),
            notes=profile.staff_notes.select_related("written_by"),
            history=with_changes(
                audit_history(profile, limit=50),
                VolunteerProfile,
                actions={"volunteers.volunteer.status_changed"},
            ),
            pages_about=_pages_about(profile, request.user),
        )
    return context


def detail(request, pk: int):
    """One volunteer's profile for 総務課, with records, notes and history. The volunteer
    themselves is sent to their own page; anyone else gets 404."""
    profile = selectors.get_profile_for_viewer(request.user, pk)
    if not has_role(request.user, Role.DX_STAFF):
        return redirect("volunteers:me")
    return render(request, "volunteers/detail.html", _detail_context(request, profile))


@role_required(Role.DX_STAFF)
def roster(request):
    """総務課's roster of volunteers with filters, exportable as CSV or Excel."""
    queryset = selectors.profiles_for_lists()
    filterset = RosterFilter(request.GET or None, queryset=queryset)
    export_format = request.GET.get("_export")
    if export_format in FORMATS:
        table = RosterTable(filterset.qs)
        RequestConfig(request, paginate=False).configure(table)
        return table_export_response(
            table, export_format, f"volunteers-{timezone.localdate():%Y%m%d}"
        )
    table = RosterTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "volunteers/roster.html", {"table": table, "filter": filterset})


@role_required(Role.DX_STAFF)
def approvals(request):
    """Applications waiting for approval, and デジタル推進委員 appointments about to lapse."""
    within = int(selectors.volunteer_settings().get("appointment_reminder_days", 30))
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
    return get_object_or_404(selectors.profiles_for_lists(), pk=pk)


@require_POST
@role_required(Role.DX_STAFF)
def approve(request, pk: int):
    """Approve an application: the applicant becomes a volunteer and may sign up."""
    profile = _staff_profile(pk)
    try:
        services.profile_approve(profile=profile, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("%(name)s was approved.") % {"name": profile.full_name})
    if request.POST.get("next") == "queue":
        return redirect("volunteers:approvals")
    return redirect("volunteers:detail", pk=pk)


def _staff_record(request, pk: int, form_name: str, form_class, save, success: str):
    """Save one of the staff forms of the detail page; on a problem, show the page again
    with the form and its errors."""
    profile = _staff_profile(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            save(profile, form.cleaned_data)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, success)
            return redirect("volunteers:detail", pk=pk)
    context = _detail_context(request, profile, **{form_name: form})
    return render(request, "volunteers/detail.html", context, status=400)


@require_POST
@role_required(Role.DX_STAFF)
def status_change(request, pk: int):
    """Set a volunteer active, paused or left."""
    return _staff_record(
        request,
        pk,
        "status_form",
        StatusForm,
        lambda profile, data: services.profile_change_status(
            profile=profile, by=request.user, status=data["status"], note=data["note"]
        ),
        _("The status was changed."),
    )


@require_POST
@role_required(Role.DX_STAFF)
def training_add(request, pk: int):
    """Record a completed training."""
    return _staff_record(
        request,
        pk,
        "training_form",
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
    return _staff_record(
        request,
        pk,
        "appointment_form",
        AppointmentForm,
        lambda profile, data: services.appointment_add(profile=profile, by=request.user, **data),
        _("The appointment was recorded."),
    )


@require_POST
@role_required(Role.DX_STAFF)
def note_add(request, pk: int):
    """Add a staff-only note."""
    return _staff_record(
        request,
        pk,
        "note_form",
        StaffNoteForm,
        lambda profile, data: services.staff_note_add(profile=profile, by=request.user, **data),
        _("The note was saved."),
    )
