"""Views of the Wi-Fi registry: 総務課's pages, the analysis, the public spots page and open data."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from core import pagecache
from core.audit import audit_history, with_changes
from core.exports import FORMATS, table_export_response
from core.fiscal import current_fiscal_year, fiscal_year_dates, month_label
from core.opendata import city_columns, opendata_response
from core.refusals import Refusal, put_on_form
from core.roles import Role, has_role, role_required
from core.tables import CountOfPaginator
from wifi import charts, selectors, services
from wifi.filters import MachineFilter, UsageFilter
from wifi.forms import (
    ActivationForm,
    AnalysisYearForm,
    InspectionForm,
    MachineCreateForm,
    MachineForm,
    StatusChangeForm,
    UsageForm,
    UsageImportForm,
)
from wifi.models import Machine, MonthlyUsage
from wifi.tables import MachineTable, UsageTable

# 総務課 keeps the registry; 生活課 may look (the machines stand in the halls it lends from).
# Nobody deletes: machines leave through their status history.
REGISTRY_KEEPERS = (Role.DX_STAFF,)
REGISTRY_READERS = (Role.DX_STAFF, Role.LENDING_STAFF)
can_view = role_required(*REGISTRY_READERS)
can_change = role_required(*REGISTRY_KEEPERS)
OPENDATA_HEADER = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "名称",
    "名称_カナ",
    "名称_英語",
    "住所",
    "方書",
    "緯度",
    "経度",
    "設置者",
    "電話番号",
    "内線番号",
    "SSID",
    "提供エリア",
    "URL",
    "備考",
]


def get_machine(pk: int) -> Machine:
    """The one way views load a machine (the registry is shared by its section, so no owner check)."""
    return get_object_or_404(Machine.objects.with_related(), pk=pk)


def _can_change(request) -> bool:
    """Whether the viewer may use the registry's change pages (what ``can_change`` lets in)."""
    return has_role(request.user, *REGISTRY_KEEPERS)


def _table_response(request, table, filename: str, *, count_of):
    # Counted on the filtered list without its joined columns (``count_of``): the same number.
    paginate = {"per_page": 50, "paginator_class": CountOfPaginator, "count_of": count_of}
    RequestConfig(request, paginate=paginate).configure(table)
    export_format = request.GET.get("_export")
    if export_format in FORMATS:
        return table_export_response(table, export_format, filename)
    return None


@can_view
def dashboard(request):
    """総務課's start page: counts, agreements ending soon and missing usage figures."""
    today = timezone.localdate()
    fy = current_fiscal_year()
    context = {
        "today": today,
        "fiscal_year": fy,
        "operating_today": selectors.machines_operating_on(today).count(),
        "last_year_end": selectors.kpi_machines_operating_at_year_end(fy - 1),
        "last_fiscal_year": fy - 1,
        "ending_soon": selectors.agreements_ending_soon(today),
        "watch_days": selectors.RENEWAL_WATCH_DAYS,
        "missing_usage": selectors.machines_missing_usage(today),
        "quarter": selectors.last_completed_quarter(today),
    }
    return render(request, "wifi/dashboard.html", context)


@can_view
def machine_list(request):
    """The registry: every machine, filterable, exportable as CSV or Excel."""
    # Only the columns of the table (and its export); the facility's name is joined below.
    machines = Machine.objects.only(*(f for f in MachineTable._meta.fields if f != "facility"))
    machine_filter = MachineFilter(request.GET, queryset=machines)
    # The facility's name as a column of the row, not as a second model instance per row.
    table = MachineTable(machine_filter.qs.annotate(facility_name=F("facility__name")))
    export = _table_response(request, table, "wifi-machines", count_of=machine_filter.qs)
    if export:
        return export
    return render(
        request,
        "wifi/machine_list.html",
        {"filter": machine_filter, "table": table, "can_change": _can_change(request)},
    )


@can_change
def machine_create(request):
    """Register a machine with its first status."""
    form = MachineCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.MACHINE_FIELDS}
        try:
            machine = services.machine_create(
                data=data,
                status=form.cleaned_data["initial_status"],
                effective_on=form.cleaned_data["effective_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The machine was registered."))
            return redirect("wifi:machine_detail", pk=machine.pk)
    return render(request, "wifi/form.html", {"form": form, "title": gettext("Register a machine")})


@can_view
def machine_detail(request, pk: int):
    """One machine: details, status history, usage, inspections, drills and activations."""
    machine = get_machine(pk)
    context = {
        "machine": machine,
        "history": machine.status_changes.select_related("recorded_by").order_by(
            "-effective_on", "-id"
        ),
        "usage": machine.usage.order_by("-month")[:24],
        "inspections": machine.inspections.all()[:20],
        "activations": machine.activations.all()[:20],
        "audit": with_changes(
            audit_history(machine, limit=20),
            Machine,
            labels={"status": _("status"), "effective_on": _("from (date)")},
            actions={"wifi.machine.changed", "wifi.machine.status_changed"},
        ),
        "can_change": _can_change(request),
        "status_form": StatusChangeForm(machine=machine),
    }
    return render(request, "wifi/machine_detail.html", context)


@can_change
def machine_edit(request, pk: int):
    """Change a machine's registry details."""
    machine = get_machine(pk)
    form = MachineForm(request.POST or None, request.FILES or None, instance=machine)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.MACHINE_FIELDS}
        machine.refresh_from_db()  # the form wrote into the instance; the service compares
        try:
            services.machine_update(machine=machine, data=data, by=request.user)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The changes were saved."))
            return redirect("wifi:machine_detail", pk=machine.pk)
    return render(
        request,
        "wifi/form.html",
        {"form": form, "machine": machine, "title": gettext("Edit the machine")},
    )


@can_change
def machine_status(request, pk: int):
    """Record a status change (installed, operating, suspended, removed) with its date and reason."""
    machine = get_machine(pk)
    form = StatusChangeForm(request.POST or None, machine=machine)
    if request.method == "POST" and form.is_valid():
        try:
            services.machine_status_change(
                machine=machine,
                status=form.cleaned_data["status"],
                effective_on=form.cleaned_data["effective_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The status change was recorded."))
            return redirect("wifi:machine_detail", pk=machine.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "wifi/form.html",
        {"form": form, "machine": machine, "title": gettext("Change the status")},
        status=status,
    )


@can_change
def usage_create(request, pk: int):
    """Enter one month's usage figures of a machine (a second entry corrects the first)."""
    machine = get_machine(pk)
    form = UsageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        previous = MonthlyUsage.objects.filter(
            machine=machine, month=data["month"].replace(day=1)
        ).first()
        try:
            usage = services.usage_record(
                machine=machine,
                month=data["month"],
                connections=data["connections"],
                distinct_users=data["distinct_users"],
                data_mb=data["data_mb"],
                source=data["source"],
                note=data["note"],
                replace=data["replace"],
                by=request.user,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            if previous is None:
                text = gettext("The usage figures of %(month)s were saved.")
            else:
                text = gettext(
                    "The usage figures of %(month)s were replaced: %(before)s → %(after)s."
                )
            messages.success(
                request,
                text
                % {
                    "month": month_label(usage.month),
                    "before": previous and services.usage_summary(previous),
                    "after": services.usage_summary(usage),
                },
            )
            return redirect("wifi:machine_detail", pk=machine.pk)
    return render(
        request,
        "wifi/form.html",
        {"form": form, "machine": machine, "title": gettext("Enter usage figures")},
    )


def _record_event(
    request, pk: int, *, form_class, initial_field: str, record, saved: str, title: str
):
    """One form for one event of a machine (inspection, drill): form → service → back to the machine."""
    machine = get_machine(pk)
    form = form_class(request.POST or None, initial={initial_field: timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            record(machine=machine, data=form.cleaned_data, by=request.user)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, saved)
            return redirect("wifi:machine_detail", pk=machine.pk)
    return render(request, "wifi/form.html", {"form": form, "machine": machine, "title": title})


@can_change
def inspection_create(request, pk: int):
    """Record an inspection of a machine."""
    return _record_event(
        request,
        pk,
        form_class=InspectionForm,
        initial_field="inspected_on",
        record=services.inspection_record,
        saved=gettext("The inspection was recorded."),
        title=gettext("Record an inspection"),
    )


@can_change
def activation_create(request, pk: int):
    """Record a drill or a real activation of 00000JAPAN and free vending."""
    return _record_event(
        request,
        pk,
        form_class=ActivationForm,
        initial_field="started_on",
        record=services.activation_record,
        saved=gettext("The drill or activation was recorded."),
        title=gettext("Record a drill or activation"),
    )


@can_view
def usage_list(request):
    """Monthly usage figures of every machine, filterable, exportable."""
    usage_filter = UsageFilter(
        request.GET,
        queryset=MonthlyUsage.objects.only(
            "machine_id",
            "month",
            "connections",
            "distinct_users",
            "data_mb",
            "source",
            "note",
        ),
    )
    # The machine's code and facility as columns of the row, not as two more model
    # instances per row (issue 18: building them was a third of the rows' cost).
    table = UsageTable(
        usage_filter.qs.annotate(
            machine_code=F("machine__code"), facility_name=F("machine__facility__name")
        )
    )
    export = _table_response(request, table, "wifi-usage", count_of=usage_filter.qs)
    if export:
        return export
    return render(
        request,
        "wifi/usage_list.html",
        {"filter": usage_filter, "table": table, "can_change": _can_change(request)},
    )


@can_change
def usage_import(request):
    """Import monthly usage from a CSV: every row is checked; one bad row and nothing is saved."""
    form = UsageImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.usage_import_csv(
                content=form.cleaned_data["file"].read(), by=request.user
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
            status = 400
        else:
            messages.success(
                request,
                gettext("Imported: %(created)s new and %(updated)s corrected figures.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("wifi:usage_list")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "wifi/usage_import.html",
        {"form": form, "header": ",".join(services.USAGE_CSV_HEADER)},
        status=status,
    )


# The analysis is cached per fiscal year and language under a version that every write
# to the machines and their monthly figures bumps in its own transaction
# (core.pagecache). The copy also expires: a facility renamed in core shows within this time.
ANALYSIS_CACHE_SECONDS = 600


def _usage_figures(fy: int) -> dict:
    """The year's figures and charts: worked out only when the cached copy is missing."""
    months, matrix = selectors.usage_matrix(fy)
    top = charts.nice_ceiling(max([v for row in matrix for v in row["values"] if v] or [0]))
    for row in matrix:
        row["bars"] = charts.bars_for(row["values"], row["estimated"], months, top)
    return {
        "months": months,
        "matrix": matrix,
        "ticks": charts.ticks_for(top),
        "year_end": selectors.kpi_machines_operating_at_year_end(fy),
        "monthly": selectors.usage_by_month(fy),
    }


@can_view
def analysis(request):
    """Usage per machine per month as SVG charts with their data table, and the year-end count."""
    year_form = AnalysisYearForm(request.GET)
    if not year_form.is_valid():
        raise Http404  # a year no link gives: nothing to show
    fy = year_form.cleaned_data["fy"] or current_fiscal_year()
    context = {
        "fiscal_year": fy,
        "figures": SimpleLazyObject(lambda: _usage_figures(fy)),
        "chart": charts,
        "year_end_day": fiscal_year_dates(fy)[1],
        "previous_fy": fy - 1,
        "next_fy": fy + 1 if fy < current_fiscal_year() else None,
        "cache_version": pagecache.version(selectors.ANALYSIS_CACHE),
        "cache_seconds": ANALYSIS_CACHE_SECONDS,
    }
    return render(request, "wifi/analysis.html", context)


@login_not_required
@require_GET
def spots(request):
    """Public: free Wi-Fi spots at public facilities and what to do in a disaster."""
    machines = (
        Machine.objects.publicly_listed().with_related().order_by("facility__name_kana", "code")
    )
    return render(request, "wifi/spots.html", {"machines": machines})


@login_not_required
@require_GET
def opendata_csv(request):
    """Public: 公衆無線LANアクセスポイント一覧 (推奨データセット layout), operating machines only."""
    spots_url = settings.SITE_URL.rstrip("/") + reverse("wifi:spots")
    machines = (
        Machine.objects.publicly_listed().with_related().order_by("facility__name_kana", "code")
    )
    rows = (
        [
            *city_columns(number),
            machine.facility.name,
            machine.facility.name_kana,
            machine.facility.name_en,
            machine.facility.address,
            machine.spot,
            machine.map_latitude,
            machine.map_longitude,
            machine.operator,
            machine.facility.phone,
            machine.facility.extension,
            machine.ssid or machine.disaster_ssid,
            f"自動販売機の周辺({machine.spot})",
            spots_url,
            f"災害時は{machine.disaster_ssid}を無料開放",
        ]
        for number, machine in enumerate(machines, start=1)
    )
    return opendata_response("wifi.csv", OPENDATA_HEADER, rows)
