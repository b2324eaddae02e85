"""The equipment register of the 生活課: types, units and kits, without the admin site.

Units are listed, shown and retired on the desk's pages (``desk.item_detail``);
here they are added and changed. Kits have their own page, label and history.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit_history
from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import Role, role_required
from lending.forms import (
    EquipmentTypeForm,
    ItemForm,
    ItemTypeChoiceForm,
    KitForm,
    KitRetireForm,
    ReturnCheckForm,
)
from lending.models import (
    EquipmentType,
    Item,
    Kit,
    KitMember,
    Loan,
    Reservation,
    next_tag_number,
)
from lending.qr import item_qr_svg
from lending.selectors import free_kits, kit_is_free
from lending.services import equipment_type_save, item_save, kit_retire, kit_return, kit_save
from lending.services.equipment import ITEM_FIELDS, KIT_FIELDS, TYPE_FIELDS, snapshot
from lending.views.labels import LABELS_PER_SHEET, label_owner

staff_only = role_required(Role.LENDING_STAFF)

# Lists of the register are bounded: a city has tens of types and kits, not thousands.
PAGE_SIZE = 50


def get_type(pk: int) -> EquipmentType:
    """The one way these pages load a type (shared by every 生活課 member)."""
    return get_object_or_404(EquipmentType, pk=pk)


def get_kit(pk: int) -> Kit:
    """The one way these pages load a kit, with its units."""
    members = KitMember.objects.select_related("item__equipment_type")
    return get_object_or_404(
        Kit.objects.prefetch_related(Prefetch("members", queryset=members)), pk=pk
    )


# --- types ----------------------------------------------------------------------------------


@staff_only
def type_list(request):
    """Every equipment type with how many units it has in service."""
    types = EquipmentType.objects.annotate(
        units=Count("items", filter=~Q(items__status=Item.Status.RETIRED))
    ).order_by("-is_active", "sort_order", "name")
    page = Paginator(types, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "lending/type_list.html", {"page": page})


@staff_only
def type_edit(request, pk: int | None = None):
    """Add an equipment type, or change one."""
    equipment_type = get_type(pk) if pk else EquipmentType()
    before = snapshot(equipment_type, TYPE_FIELDS) if pk else None
    form = EquipmentTypeForm(request.POST or None, instance=equipment_type)
    if request.method == "POST" and form.is_valid():
        try:
            equipment_type_save(equipment_type=form.instance, by=request.user, before=before)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("The equipment type has been saved."))
            return redirect("lending:type_edit", pk=form.instance.pk)
    return render(
        request,
        "lending/type_form.html",
        {
            "form": form,
            "equipment_type": equipment_type,
            "history": audit_history(equipment_type)[:30] if pk else [],
        },
    )


# --- units ----------------------------------------------------------------------------------


@staff_only
def item_new(request):
    """Add a unit: first its type (``?type=``), then its details with a suggested 備品番号."""
    chooser = ItemTypeChoiceForm(request.GET or None)
    if not chooser.is_valid():
        return render(request, "lending/item_type_choice.html", {"form": chooser})
    equipment_type = chooser.cleaned_data["type"]
    initial = {
        "equipment_type": equipment_type,
        "tag_number": equipment_type.suggested_tag_number(),
        "components": list(equipment_type.default_components or []),
        "acquired_on": timezone.localdate(),
    }
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = item_save(item=form.instance, by=request.user)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(
                request,
                _("%(tag)s has been registered. Print its label now.") % {"tag": item.tag_number},
            )
            return redirect("lending:item_detail", pk=item.pk)
    return render(
        request,
        "lending/item_form.html",
        {"form": form, "item": None, "equipment_type": equipment_type},
    )


@staff_only
def item_edit(request, pk: int):
    """Change a unit's details (its status changes through loans, repair and retiring)."""
    item = get_object_or_404(Item.objects.select_related("equipment_type"), pk=pk)
    if item.is_retired:
        messages.error(request, _("A retired item cannot be changed."))
        return redirect("lending:item_detail", pk=pk)
    before = snapshot(item, ITEM_FIELDS)
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            item_save(item=form.instance, by=request.user, before=before)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("The item has been saved."))
            return redirect("lending:item_detail", pk=pk)
    return render(
        request,
        "lending/item_form.html",
        {"form": form, "item": item, "equipment_type": item.equipment_type},
    )


# --- kits -----------------------------------------------------------------------------------


@staff_only
def kit_list(request):
    """Every kit with its units and whether it is free today."""
    today = timezone.localdate()
    members = KitMember.objects.select_related("item__equipment_type")
    kits = Kit.objects.prefetch_related(Prefetch("members", queryset=members)).order_by(
        "-is_active", "tag_number"
    )
    page = Paginator(kits, PAGE_SIZE).get_page(request.GET.get("page"))
    free_today = set(free_kits(today, today, today=today).values_list("pk", flat=True))
    return render(request, "lending/kit_list.html", {"page": page, "free_today": free_today})


@staff_only
def kit_edit(request, pk: int | None = None):
    """Put a kit together (its own 備品番号, its units), or change one."""
    kit = get_kit(pk) if pk else Kit(tag_number=_suggested_kit_tag())
    if kit.is_retired:
        messages.error(request, _("A retired kit cannot be changed."))
        return redirect("lending:kit_detail", pk=kit.pk)
    before = snapshot(kit, KIT_FIELDS) if pk else None
    form = KitForm(request.POST or None, instance=kit)
    if request.method == "POST" and form.is_valid():
        try:
            saved = kit_save(
                kit=form.instance,
                items=list(form.cleaned_data["items"]),
                by=request.user,
                before=before,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("The kit has been saved. Print its label."))
            return redirect("lending:kit_detail", pk=saved.pk)
    return render(request, "lending/kit_form.html", {"form": form, "kit": kit})


def _suggested_kit_tag() -> str:
    # The city's prefix for kits (city file, [lending] kit_tag_prefix); MB-KIT by default.
    prefix = settings.TSUNAGU.get("lending", {}).get("kit_tag_prefix", "MB-KIT")
    return next_tag_number(prefix, Kit.objects.all())


@staff_only
def kit_detail(request, pk: int):
    """A kit: its units, its parts checklist, its bookings, its history; retire it."""
    kit = get_kit(pk)
    today = timezone.localdate()
    bookings = (
        Reservation.objects.filter(
            lines__kit=kit, state__in=Reservation.HOLDING_STATES, return_date__gte=today
        )
        .select_related("organisation")
        .order_by("pickup_date")[:20]
    )
    out = Loan.objects.filter(
        kit=kit, handed_out_at__isnull=False, returned_at__isnull=True
    ).exists()
    return render(
        request,
        "lending/kit_detail.html",
        {
            "kit": kit,
            "units": kit.member_items(),
            "checklist": kit.parts_checklist(),
            "bookings": bookings,
            "is_out": out,
            "free_today": kit.is_active and kit_is_free(kit, today, today, today=today),
            "retire_form": KitRetireForm(),
            "history": audit_history(kit)[:30],
        },
    )


@staff_only
@require_POST
def kit_retire_view(request, pk: int):
    """Retire a kit with a reason; its units become loose units again."""
    kit = get_kit(pk)
    form = KitRetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the reason for retiring the kit."))
        return redirect("lending:kit_detail", pk=pk)
    try:
        kit_retire(kit=kit, by=request.user, reason=form.cleaned_data["reason"])
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The kit has been retired."))
    return redirect("lending:kit_detail", pk=pk)


@staff_only
def kit_label(request, pk: int):
    """The kit's own QR label (70 × 42.3 mm), with its parts checklist beside it."""
    kit = get_kit(pk)
    if kit.is_retired:
        messages.error(request, _("A retired kit has no label."))
        return redirect("lending:kit_detail", pk=pk)
    label = {"item": kit, "qr": item_qr_svg(kit.qr_token), "url": kit.qr_url}
    return render(
        request,
        "lending/labels/kit.html",
        {"label": label, "owner": label_owner(), "kit": kit, "checklist": kit.parts_checklist()},
    )


@staff_only
def kit_label_sheet(request):
    """Every kit in service on A4 label sheets (21 a page), like the items' sheet."""
    labels = [
        {"item": kit, "qr": item_qr_svg(kit.qr_token), "url": kit.qr_url}
        for kit in Kit.objects.filter(is_active=True).order_by("tag_number")
    ]
    sheets = [
        labels[start : start + LABELS_PER_SHEET]
        for start in range(0, len(labels), LABELS_PER_SHEET)
    ]
    return render(
        request,
        "lending/labels/kit_sheet.html",
        {"sheets": sheets, "label_count": len(labels), "owner": label_owner()},
    )


@staff_only
def counter_return_kit(request, pk: int):
    """The kit's label was scanned at the counter: tick the parts of each unit, record all returns."""
    kit = get_kit(pk)
    out = list(
        Loan.objects.filter(kit=kit, handed_out_at__isnull=False, returned_at__isnull=True)
        .select_related("item__equipment_type", "reservation__organisation")
        .order_by("item__tag_number")
    )
    if not out:
        messages.info(
            request, _("No unit of the kit %(tag)s is on loan.") % {"tag": kit.tag_number}
        )
        return redirect("lending:counter_return")
    forms = [
        (
            loan,
            ReturnCheckForm(
                request.POST or None, components=loan.item.components, prefix=f"unit{loan.item_id}"
            ),
        )
        for loan in out
    ]
    if request.method == "POST" and all(form.is_valid() for _loan, form in forms):
        results = kit_return(
            kit=kit,
            by=request.user,
            via=Loan.Via.COUNTER,
            missing={loan.item_id: form.missing() for loan, form in forms},
        )
        returned = [r for r in results if r.outcome == "returned"]
        text = _("Kit %(tag)s returned: %(count)d units now wait for inspection.") % {
            "tag": kit.tag_number,
            "count": len(returned),
        }
        if any(r.was_late for r in returned):
            text += " " + _("It came back after the due date.")
        messages.success(request, text)
        return redirect("lending:counter_return")
    return render(
        request,
        "lending/counter_return_kit.html",
        {"kit": kit, "forms": forms, "reservation": out[0].reservation},
    )
