"""Stocktake (棚卸) pages of the 生活課: open a count, scan, see what is missing, close, report."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.audit import audit_history, person_name
from core.exports import FORMATS, export_response
from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import Role, role_required
from lending.forms import ScanForm, StocktakeCloseForm, StocktakeOpenForm
from lending.models import Stocktake, StocktakeLine
from lending.services import stocktake_close, stocktake_open, stocktake_scan
from lending.services.stocktakes import DEFAULT_INTERVAL_DAYS, stocktake_counts, storage_places

staff_only = role_required(Role.LENDING_STAFF)

# What each finding tells staff after a scan: (message level, text).
_SCAN_MESSAGES = {
    StocktakeLine.Finding.PRESENT: (messages.SUCCESS, gettext_lazy("%(tag)s is here.")),
    StocktakeLine.Finding.ON_LOAN: (
        messages.WARNING,
        gettext_lazy("%(tag)s should be on loan according to the records. Check its loan."),
    ),
    StocktakeLine.Finding.OTHER_PLACE: (
        messages.WARNING,
        gettext_lazy("%(tag)s belongs to another place (%(place)s)."),
    ),
    StocktakeLine.Finding.RETIRED: (messages.WARNING, gettext_lazy("%(tag)s is retired.")),
}


def get_stocktake(pk: int) -> Stocktake:
    """The one way these pages load a stocktake (every 生活課 member may open each)."""
    return get_object_or_404(Stocktake.objects.select_related("started_by", "closed_by"), pk=pk)


def _lines(stocktake: Stocktake):
    return stocktake.lines.select_related("item__equipment_type").order_by("item__tag_number")


@staff_only
def stocktake_list(request):
    """Stocktakes in progress and done; start one for a storage place."""
    places = storage_places()
    form = StocktakeOpenForm(request.POST or None, places=places)
    if request.method == "POST" and form.is_valid():
        try:
            stocktake = stocktake_open(
                storage_place=form.cleaned_data["storage_place"], by=request.user
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            return redirect("lending:stocktake_detail", pk=stocktake.pk)
    stocktakes = Stocktake.objects.select_related("started_by", "closed_by").order_by(
        "state", "-started_at", "-pk"
    )
    page = Paginator(stocktakes, 50).get_page(request.GET.get("page"))
    return render(request, "lending/stocktake_list.html", {"form": form, "page": page})


@staff_only
def stocktake_detail(request, pk: int):
    """The count itself: scan each item (scanner, camera or typed tag number) and Enter."""
    stocktake = get_stocktake(pk)
    form = ScanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = stocktake_scan(
                stocktake=stocktake, code=form.cleaned_data["code"], by=request.user
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            tag = result.item.tag_number
            if result.again:
                messages.info(request, _("%(tag)s was already counted.") % {"tag": tag})
            else:
                level, text = _SCAN_MESSAGES[result.finding]
                messages.add_message(
                    request, level, text % {"tag": tag, "place": result.item.storage_place or "—"}
                )
            return redirect("lending:stocktake_detail", pk=pk)
    lines = list(_lines(stocktake))
    counts = stocktake_counts(stocktake)
    today = timezone.localdate()
    return render(
        request,
        "lending/stocktake_detail.html",
        {
            "stocktake": stocktake,
            "form": form,
            "close_form": StocktakeCloseForm(
                initial={"next_stocktake_on": today + timedelta(days=DEFAULT_INTERVAL_DAYS)}
            ),
            "not_seen": [line for line in lines if line.seen_at is None],
            "discrepancies": [
                line
                for line in lines
                if line.seen_at is not None and line.finding != StocktakeLine.Finding.PRESENT
            ],
            "seen": [line for line in lines if line.seen_at is not None],
            "counts": counts,
            "history": audit_history(stocktake, limit=20),
        },
    )


@staff_only
@require_POST
def stocktake_close_view(request, pk: int):
    """Close the count: what was not seen is missing; every counted item gets its next date."""
    stocktake = get_stocktake(pk)
    form = StocktakeCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose the date of the next stocktake."))
        return redirect("lending:stocktake_detail", pk=pk)
    try:
        stocktake_close(stocktake=stocktake, by=request.user, **form.cleaned_data)
    except Refusal as refusal:
        show_refusal(request, refusal)
        return redirect("lending:stocktake_detail", pk=pk)
    messages.success(request, _("The stocktake is closed."))
    return redirect("lending:stocktake_report", pk=pk)


@staff_only
def stocktake_report(request, pk: int):
    """The findings, printable; ``?_export=csv`` (or xlsx) for the file."""
    stocktake = get_stocktake(pk)
    lines = list(_lines(stocktake).select_related("seen_by"))
    wanted = request.GET.get("_export")
    if wanted in FORMATS:
        header = [
            _("Tag number"),
            _("Equipment"),
            _("Finding"),
            _("Expected here"),
            _("Status in the records"),
            _("Place in the records"),
            _("Seen at"),
            _("Seen by"),
            _("Last seen"),
        ]
        rows = (
            [
                line.item.tag_number,
                line.item.equipment_type.name,
                line.get_finding_display(),
                _("Yes") if line.expected else _("No"),
                line.item.get_status_display(),
                line.item_place,
                timezone.localtime(line.seen_at) if line.seen_at else "",
                person_name(line.seen_by) if line.seen_by else "",
                line.item.last_seen_on or "",
            ]
            for line in lines
        )
        return export_response(
            f"stocktake-{stocktake.pk}", wanted, header, rows, title=_("Stocktake")
        )
    groups = [
        (finding, label, [line for line in lines if line.finding == finding])
        for finding, label in StocktakeLine.Finding.choices
    ]
    return render(
        request,
        "lending/stocktake_report.html",
        {"stocktake": stocktake, "groups": groups, "counts": stocktake_counts(stocktake)},
    )
