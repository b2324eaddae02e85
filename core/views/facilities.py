"""総務課's pages for public facilities: the venues of classes and homes of Wi-Fi machines."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import services
from core.audit import audit_history, with_changes
from core.forms import FacilityFilterForm, FacilityForm, FacilityRetireForm
from core.models import Facility
from core.refusals import Refusal, show_refusal
from core.roles import Role, role_required
from core.views._common import page_of

dx_staff_only = role_required(Role.DX_STAFF)


def get_facility(pk: int) -> Facility:
    """The one way these pages load a facility (a shared register: no owner check)."""
    return get_object_or_404(Facility, pk=pk)


@dx_staff_only
def facility_list(request):
    """Facilities in use (or retired), by name or address and kind."""
    form = FacilityFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    facilities = Facility.objects.order_by("name_kana", "pk")
    if query := data.get("q"):
        facilities = facilities.filter(
            Q(name__icontains=query) | Q(name_kana__icontains=query) | Q(address__icontains=query)
        )
    if kind := data.get("kind"):
        facilities = facilities.filter(kind=kind)
    state = data.get("state", "")
    if state == "retired":
        facilities = facilities.filter(is_active=False)
    elif state != "all":
        facilities = facilities.filter(is_active=True)
    return render(
        request, "core/facility_list.html", {"form": form, "page": page_of(request, facilities)}
    )


@dx_staff_only
def facility_edit(request, pk: int | None = None):
    """Register a facility or change its details (the fields of the open-data 公共施設一覧)."""
    facility = get_facility(pk) if pk else Facility()
    before = services.facility_snapshot(facility) if pk else None
    form = FacilityForm(request.POST or None, instance=facility)
    if request.method == "POST" and form.is_valid():
        services.facility_save(facility=form.instance, by=request.user, before=before)
        messages.success(request, _("Saved."))
        return redirect("core:facility_edit", pk=form.instance.pk)
    return _facility_page(request, facility, form)


def _facility_page(request, facility: Facility, form, retire_form=None):
    context = {
        "facility": facility,
        "form": form,
        "retire_form": retire_form or FacilityRetireForm(),
        "history": with_changes(audit_history(facility, limit=50), Facility) if facility.pk else [],
    }
    return render(request, "core/facility_form.html", context)


@dx_staff_only
@require_POST
def facility_retire(request, pk: int):
    """Take a facility out of use (it leaves the open data; its past stays)."""
    facility = get_facility(pk)
    form = FacilityRetireForm(request.POST)
    if form.is_valid():
        try:
            services.facility_retire(
                facility=facility, by=request.user, reason=form.cleaned_data["reason"]
            )
        except Refusal as refusal:
            show_refusal(request, refusal)
        else:
            messages.success(request, _("The facility is now out of use."))
        return redirect("core:facility_edit", pk=facility.pk)
    return _facility_page(request, facility, FacilityForm(instance=facility), retire_form=form)


@dx_staff_only
@require_POST
def facility_reinstate(request, pk: int):
    """Put a retired facility back in use."""
    facility = get_facility(pk)
    try:
        services.facility_reinstate(facility=facility, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The facility is in use again."))
    return redirect("core:facility_edit", pk=facility.pk)
