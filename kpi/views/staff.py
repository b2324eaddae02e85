"""Staff (総務課) views: the sheet, closing, inputs, the incident register and the dashboard."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.exports import XLSX_TYPE
from core.fiscal import current_fiscal_year
from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import Role, role_required

from .. import review, services
from ..forms import (
    CommentForm,
    IncidentForm,
    KpiDefinitionForm,
    ManualValueForm,
    ReopenForm,
    VersionUpForm,
    YearTargetForm,
)
from ..models import (
    Incident,
    KpiComment,
    KpiDefinition,
    ManualValue,
    PlanPeriod,
    YearReview,
)
from ..presentation import present, year_columns
from ..selectors import open_incidents
from ..sheets import (
    current_closing,
    period_for_year,
    published_years,
    sheet,
    year_progress,
)
from ..workbook import check_sheet_workbook
from .common import (
    ROWS_PER_PAGE,
    cached_page,
    default_year,
    facts_context,
    history_of,
    kpi_for,
    sheet_or_404,
)

dx_staff_only = role_required(Role.DX_STAFF)


# --- Staff: the sheet --------------------------------------------------------


@dx_staff_only
def sheet_index(request):
    """Open the sheet of the year staff most likely want."""
    year = default_year()
    if year is None:
        raise Http404
    return redirect("kpi:sheet", fiscal_year=year)


@dx_staff_only
def sheet_page(request, fiscal_year: int):
    """The check sheet of one fiscal year, with links to the facts behind every value.

    The page's content is cached until the next write of a fact it counts (``cached_page``)."""
    content = cached_page("sheet", fiscal_year, lambda: _sheet_content(request, fiscal_year))
    return render(
        request,
        "kpi/sheet.html",
        {"fiscal_year": fiscal_year, "content": mark_safe(content)},  # noqa: S308 - our template
    )


def _sheet_content(request, fiscal_year: int) -> str:
    data = present(sheet_or_404(fiscal_year))
    closing = current_closing(fiscal_year)
    return render_to_string(
        "kpi/_sheet_page.html",
        {
            "sheet": data,
            "years": year_columns(data),
            "closing": closing,
            "fiscal_year": fiscal_year,
            "all_years": published_years(),
            "blockers": []
            if closing
            else review.review_blockers(fiscal_year) + services.closing_blockers(data),
            "review_status": review.review_status(fiscal_year),
        },
        request,
    )


@dx_staff_only
def sheet_print(request, fiscal_year: int):
    """The check sheet laid out for A4 landscape paper."""
    data = present(sheet_or_404(fiscal_year))
    return render(
        request,
        "kpi/sheet_print.html",
        {
            "sheet": data,
            "years": year_columns(data),
            "closing": current_closing(fiscal_year),
            "rows": review.check_rows(fiscal_year),
            "review": review.review_of(fiscal_year),
        },
    )


@dx_staff_only
def sheet_xlsx(request, fiscal_year: int):
    """The check sheet as an Excel workbook: a sheet for the KPIs, one for the measures."""
    with translation.override("ja"):  # a data file in Japanese, like the public CSV
        content = check_sheet_workbook(sheet_or_404(fiscal_year))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="kpi-{fiscal_year}.xlsx"'
    return response


@dx_staff_only
def facts(request, fiscal_year: int, code: str, year: int):
    """The rows behind one value of the sheet."""
    context = facts_context(fiscal_year, code, year, request, public=False)
    return render(request, "kpi/facts.html", context)


# --- Staff: inputs -----------------------------------------------------------


@dx_staff_only
def comment_edit(request, fiscal_year: int, code: str):
    """Write the section's analysis and future direction for one KPI and year."""
    kpi = kpi_for(fiscal_year, code)
    instance = KpiComment.objects.filter(kpi=kpi, fiscal_year=fiscal_year).first()
    form = CommentForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_save(
                kpi=kpi,
                fiscal_year=fiscal_year,
                analysis=form.cleaned_data["analysis"],
                outlook=form.cleaned_data["outlook"],
                by=request.user,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The texts were saved."))
            return redirect("kpi:sheet", fiscal_year=fiscal_year)
    return render(
        request,
        "kpi/comment_form.html",
        {"form": form, "kpi": kpi, "fiscal_year": fiscal_year},
    )


@dx_staff_only
def manual_edit(request, fiscal_year: int, code: str, year: int):
    """Type in the value of a year the system holds no facts for."""
    kpi = kpi_for(fiscal_year, code)
    if year not in kpi.years[1:] or kpi.has_facts_for(year):
        raise Http404
    instance = ManualValue.objects.filter(kpi=kpi, fiscal_year=year).first()
    form = ManualValueForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.manual_value_set(
                kpi=kpi,
                fiscal_year=year,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The value was saved."))
            return redirect("kpi:sheet", fiscal_year=fiscal_year)
    return render(
        request,
        "kpi/manual_form.html",
        {
            "form": form,
            "kpi": kpi,
            "fiscal_year": fiscal_year,
            "year": year,
            "history": history_of(instance, ManualValue, limit=20) if instance else [],
        },
    )


@dx_staff_only
def year_close(request, fiscal_year: int):
    """Close a fiscal year: its sheet is frozen as published."""
    data = sheet_or_404(fiscal_year)
    if request.method == "POST":
        try:
            services.year_close(fiscal_year=fiscal_year, by=request.user)
        except Refusal as refusal:
            show_refusal(request, refusal)
        else:
            messages.success(request, gettext("The fiscal year was closed and its sheet frozen."))
        return redirect("kpi:sheet", fiscal_year=fiscal_year)
    return render(
        request,
        "kpi/close_confirm.html",
        {
            "sheet": present(data),
            "fiscal_year": fiscal_year,
            "blockers": review.review_blockers(fiscal_year) + services.closing_blockers(data),
            "closing": current_closing(fiscal_year),
        },
    )


@dx_staff_only
def year_reopen(request, fiscal_year: int):
    """Re-open a closed fiscal year, with the reason recorded."""
    closing = current_closing(fiscal_year)
    if closing is None:
        raise Http404
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.year_reopen(
                fiscal_year=fiscal_year, by=request.user, reason=form.cleaned_data["reason"]
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The fiscal year was re-opened."))
            return redirect("kpi:sheet", fiscal_year=fiscal_year)
    return render(
        request,
        "kpi/reopen_form.html",
        {"form": form, "fiscal_year": fiscal_year, "closing": closing},
    )


@dx_staff_only
def kpi_list(request):
    """Every KPI of every plan period."""
    periods = list(PlanPeriod.objects.prefetch_related("kpis").order_by("-first_fiscal_year"))
    return render(
        request,
        "kpi/kpi_list.html",
        {"periods": periods, "latest": periods[0] if periods else None},
    )


@dx_staff_only
def kpi_edit(request, pk: int):
    """Edit a KPI definition and its intermediate targets (every change is audited)."""
    kpi = get_object_or_404(KpiDefinition.objects.select_related("period"), pk=pk)
    form = KpiDefinitionForm(
        request.POST if "save_kpi" in request.POST else None, instance=kpi, prefix="kpi"
    )
    target_form = YearTargetForm(
        request.POST if "save_target" in request.POST else None, kpi=kpi, prefix="target"
    )
    if request.method == "POST" and "save_kpi" in request.POST and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.kpi_update(
                kpi=KpiDefinition.objects.get(pk=pk), changes=changes, by=request.user
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The KPI was saved."))
            return redirect("kpi:kpi_edit", pk=pk)
    if request.method == "POST" and "save_target" in request.POST and target_form.is_valid():
        try:
            services.year_target_set(
                kpi=kpi,
                fiscal_year=target_form.cleaned_data["fiscal_year"],
                value=target_form.cleaned_data["value"],
                by=request.user,
            )
        except Refusal as refusal:
            put_on_form(target_form, refusal)
        else:
            messages.success(request, gettext("The intermediate target was saved."))
            return redirect("kpi:kpi_edit", pk=pk)
    return render(
        request,
        "kpi/kpi_form.html",
        {
            "form": form,
            "target_form": target_form,
            "kpi": kpi,
            "targets": kpi.year_targets.all(),
            "history": history_of(kpi, KpiDefinition, limit=30),
        },
    )


@dx_staff_only
def period_version_up(request, pk: int):
    """Start the next plan period: baselines from the last year, new targets (基本方針のバージョンアップ)."""
    previous = get_object_or_404(PlanPeriod, pk=pk)
    if PlanPeriod.objects.filter(first_fiscal_year__gt=previous.last_fiscal_year).exists():
        raise Http404
    form = VersionUpForm(request.POST or None, previous=previous)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_version_up(
                previous=previous,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                name_en=form.cleaned_data["name_en"],
                last_fiscal_year=form.cleaned_data["last_fiscal_year"],
                targets=form.targets(),
                by=request.user,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The new plan period was created."))
            return redirect("kpi:sheet", fiscal_year=period.first_fiscal_year)
    baseline_year = previous.last_fiscal_year
    closing = current_closing(baseline_year)
    return render(
        request,
        "kpi/version_up_form.html",
        {
            "form": form,
            "previous": previous,
            "baseline_year": baseline_year,
            "closing": closing,
            "baseline": present(sheet_or_404(baseline_year)),
            "new_measures": (
                review.review_of(baseline_year).new_measures
                if review.review_of(baseline_year)
                else []
            ),
            "measure_rows": (
                review.check_rows(baseline_year)
                if review.reached(review.review_status(baseline_year), "board")
                else []
            ),
        },
    )


# --- Staff: incident register -------------------------------------------------


@dx_staff_only
def incident_list(request):
    """The information-security incident register."""
    incidents = Incident.objects.select_related("recorded_by").order_by("-occurred_on", "-id")
    page = Paginator(incidents, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "kpi/incident_list.html", {"page": page})


@dx_staff_only
def incident_create(request):
    """Record an information-security incident."""
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_record(by=request.user, **form.cleaned_data)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The incident was recorded."))
            return redirect("kpi:incident_list")
    return render(request, "kpi/incident_form.html", {"form": form, "incident": None})


@dx_staff_only
def incident_edit(request, pk: int):
    """Update an incident (response, resolution) with an audit entry."""
    incident = get_object_or_404(Incident, pk=pk)
    form = IncidentForm(request.POST or None, instance=Incident.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_update(incident=incident, by=request.user, **form.cleaned_data)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, gettext("The incident was updated."))
            return redirect("kpi:incident_list")
    return render(
        request,
        "kpi/incident_form.html",
        {"form": form, "incident": incident, "history": history_of(incident, Incident, limit=20)},
    )


# --- Staff: dashboard ---------------------------------------------------------


def _at_risk(row: dict, progress: Decimal) -> bool | None:
    value = row["value"]
    if value is None:
        return True
    value = Decimal(str(value))
    if row["direction"] == "keep_zero":
        return value > 0
    if row["year_target"] is None:
        return None  # no target yet (the current year before a version-up)
    target = Decimal(str(row["year_target"]))
    if row["aggregation"] == "per_year":
        # The year's count grows through the year: compare with the share of the
        # target that the days passed so far would give at an even pace.
        return value < target * progress
    return value < target


@dx_staff_only
def dashboard(request):
    """This year's figures so far against the year's target, what is at risk, what needs input."""
    year = default_year()
    data = present(sheet(year)) if year is not None else None
    progress = year_progress(year) if year is not None else Decimal(0)
    needs_comment, needs_value = [], []
    if data is not None:
        for row in data["rows"]:
            row["at_risk"] = _at_risk(row, progress)
            row["expected"] = (
                (Decimal(str(row["year_target"])) * progress).quantize(Decimal("0.1"))
                if row["aggregation"] == "per_year"
                and not row["is_keep_zero"]
                and row["year_target"] is not None
                else None
            )
            if not data["is_closed"] and not (row["analysis"].strip() and row["outlook"].strip()):
                needs_comment.append(row)
            for value in row["values"]:
                if value["origin"] in ("missing", "error"):
                    needs_value.append((row, value))
    unclosed = [
        y
        for y in published_years()
        if y != year and y < current_fiscal_year() and current_closing(y) is None
    ]
    review_year = current_fiscal_year() - 1
    if period_for_year(review_year) is None:
        review_year = None
    return render(
        request,
        "kpi/dashboard.html",
        {
            # The year that ended last goes through the 進行管理 now.
            "review_year": review_year,
            "review_state": (
                YearReview.Status(review.review_status(review_year)).label if review_year else ""
            ),
            "sheet": data,
            "fiscal_year": year,
            "progress_percent": (progress * 100).quantize(Decimal("1")),
            "open_incidents": open_incidents(),
            "needs_comment": needs_comment,
            "needs_value": needs_value,
            "unclosed": unclosed,
            "current_year": current_fiscal_year(),
            "no_current_period": period_for_year(current_fiscal_year()) is None,
            "latest_period": PlanPeriod.objects.order_by("-last_fiscal_year").first(),
        },
    )
