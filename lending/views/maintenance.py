"""Maintenance pages of the 生活課: what is due, the plans per type, the record per unit."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_history, with_changes
from core.refusals import Refusal, put_on_form
from core.roles import Role, role_required
from lending import maintenance
from lending.forms import MaintenancePlanForm, MaintenanceRecordForm
from lending.models import Item, MaintenancePlan
from lending.services import maintenance_plan_save, maintenance_record
from lending.services.maintenance import maintenance_plan_snapshot

staff_only = role_required(Role.LENDING_STAFF)


def get_plan(pk: int) -> MaintenancePlan:
    """The one way these pages load a plan (shared by every 生活課 member)."""
    return get_object_or_404(MaintenancePlan.objects.select_related("equipment_type"), pk=pk)


@staff_only
def maintenance_due(request):
    """Units due for maintenance today (a due day on which the office is closed shows on
    the open day before it), with the link to record the work."""
    today = timezone.localdate()
    return render(
        request,
        "lending/maintenance_due.html",
        {
            "today": today,
            "horizon": maintenance.desk_horizon(today),
            "due": maintenance.desk_due(today),
        },
    )


@staff_only
def plan_list(request):
    """Every maintenance plan, by type."""
    plans = MaintenancePlan.objects.select_related("equipment_type")
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(request, "lending/maintenance_plan_list.html", {"page": page})


@staff_only
def plan_edit(request, pk: int | None = None):
    """Create a maintenance plan for a type, or change one."""
    plan = get_plan(pk) if pk else MaintenancePlan()
    before = maintenance_plan_snapshot(plan) if pk else None
    form = MaintenancePlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            maintenance_plan_save(plan=form.instance, by=request.user, before=before)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("Saved."))
            return redirect("lending:maintenance_plan_edit", pk=form.instance.pk)
    history = with_changes(audit_history(plan, limit=50), MaintenancePlan) if pk else []
    return render(
        request,
        "lending/maintenance_plan_form.html",
        {"plan": plan, "form": form, "history": history},
    )


@staff_only
def item_maintenance(request, pk: int):
    """One unit: what is due, record maintenance done, and every record so far."""
    item = get_object_or_404(Item.objects.select_related("equipment_type"), pk=pk)
    form = MaintenanceRecordForm(
        request.POST or None, item=item, initial={"done_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            maintenance_record(item=item, by=request.user, **form.cleaned_data)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(
                request, _("Maintenance of %(tag)s recorded.") % {"tag": item.tag_number}
            )
            return redirect("lending:item_maintenance", pk=pk)
    return render(
        request,
        "lending/item_maintenance.html",
        {
            "item": item,
            "form": form,
            "due": maintenance.due_items(
                until=maintenance.desk_horizon(timezone.localdate()),
                items=[item],
                include_on_loan=True,
            ),
            "records": maintenance.history_of(item),
        },
    )
