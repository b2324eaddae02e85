"""QR label sheets (A4, 21 labels a page), a single label, and re-issuing a lost label's token."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.roles import Role, role_required
from lending.forms import TokenReissueForm
from lending.models import EquipmentType, Item
from lending.qr import item_qr_svg
from lending.services import item_token_reissue

# A4 21面: 3 columns × 7 rows of 70 × 42.3 mm (static/lending/labels.css).
LABELS_PER_SHEET = 21


def label_owner() -> str:
    """The line printed on every label, e.g. 「茂原市 生活課」, from the city's settings."""
    return f"{settings.TSUNAGU['city']['name']} {settings.TSUNAGU['sections']['lending']}"


def _active_items():
    return (
        Item.objects.exclude(status=Item.Status.RETIRED)
        .select_related("equipment_type")
        .order_by("tag_number")
    )


def _label(item: Item) -> dict:
    return {"item": item, "qr": item_qr_svg(item.qr_token), "url": item.qr_url}


def _selected_ids(request) -> list[int]:
    return [int(value) for value in request.GET.getlist("item") if value.isdigit()]


@role_required(Role.LENDING_STAFF)
def label_sheet(request):
    """A4 sheets of QR labels: the chosen items, or every active item when none is chosen."""
    every_item = list(_active_items())
    type_id = request.GET.get("type", "")
    chosen = set(_selected_ids(request))
    # The type narrows the list to choose from as well as the labels printed.
    items = every_item
    if type_id.isdigit():
        items = [item for item in items if item.equipment_type_id == int(type_id)]
    printed = items
    if chosen:
        printed = [item for item in printed if item.pk in chosen]
    labels = [_label(item) for item in printed]
    sheets = [
        labels[start : start + LABELS_PER_SHEET]
        for start in range(0, len(labels), LABELS_PER_SHEET)
    ]
    return render(
        request,
        "lending/labels/sheet.html",
        {
            "items": items,
            "chosen": chosen,
            "types": EquipmentType.objects.filter(pk__in={i.equipment_type_id for i in every_item}),
            "type_id": type_id,
            "sheets": sheets,
            "label_count": len(labels),
            "owner": label_owner(),
        },
    )


@role_required(Role.LENDING_STAFF)
def label_single(request, pk: int):
    """One item's label, sized to a single 70 × 42.3 mm label."""
    item = get_object_or_404(_active_items(), pk=pk)
    return render(
        request,
        "lending/labels/single.html",
        {"label": _label(item), "owner": label_owner(), "item": item},
    )


@role_required(Role.LENDING_STAFF)
@require_http_methods(["GET", "POST"])
def token_reissue(request, pk: int):
    """Confirm, then give the item a new QR token; the old label stops working."""
    item = get_object_or_404(_active_items(), pk=pk)
    form = TokenReissueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        item_token_reissue(item=item, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("%(tag)s has a new QR code. Print the new label; the old label no longer works.")
            % {"tag": item.tag_number},
        )
        return redirect("lending:label_single", pk=item.pk)
    return render(request, "lending/labels/reissue.html", {"item": item, "form": form})
