"""Views of the yearly review: staff sheet, closing, inputs, dashboard and the public report."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from core.audit import audit_history
from core.fiscal import current_fiscal_year, wareki_fiscal_year_label
from core.roles import Role, role_required

from . import services
from .exports import sheet_export, to_xlsx
from .forms import (
    CommentForm,
    IncidentForm,
    KpiDefinitionForm,
    ManualValueForm,
    ReopenForm,
    YearTargetForm,
)
from .models import Incident, KpiComment, KpiDefinition, ManualValue, PlanPeriod
from .presentation import figure_table, present, year_columns
from .selectors import open_incidents
from .sheets import (
    Calculator,
    current_closing,
    period_for_year,
    published_years,
    sheet,
    year_progress,
)
from .sources import SourceUnavailable, compute_figure

dx_staff_only = role_required(Role.DX_STAFF)
ROWS_PER_PAGE = 50


def _sheet_or_404(fiscal_year: int) -> dict:
    data = sheet(fiscal_year)
    if data is None:
        raise Http404
    return data


def _kpi_for(fiscal_year: int, code: str) -> KpiDefinition:
    period = period_for_year(fiscal_year)
    if period is None:
        raise Http404
    return get_object_or_404(KpiDefinition, period=period, code=code)


def _form_errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def default_year() -> int | None:
    """The year staff most likely want: this one if a period covers it, else the newest."""
    today = current_fiscal_year()
    if period_for_year(today) is not None:
        return today
    years = published_years()
    return years[0] if years else None


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
    """The check sheet of one fiscal year, with links to the facts behind every value."""
    data = present(_sheet_or_404(fiscal_year))
    closing = current_closing(fiscal_year)
    return render(
        request,
        "kpi/sheet.html",
        {
            "sheet": data,
            "years": year_columns(data),
            "closing": closing,
            "fiscal_year": fiscal_year,
            "all_years": published_years(),
            "blockers": [] if closing else services.closing_blockers(data),
        },
    )


@dx_staff_only
def sheet_print(request, fiscal_year: int):
    """The check sheet laid out for A4 landscape paper."""
    data = present(_sheet_or_404(fiscal_year))
    return render(
        request,
        "kpi/sheet_print.html",
        {"sheet": data, "years": year_columns(data), "closing": current_closing(fiscal_year)},
    )


@dx_staff_only
def sheet_xlsx(request, fiscal_year: int):
    """The check sheet as an Excel file."""
    data = _sheet_or_404(fiscal_year)
    response = HttpResponse(
        to_xlsx(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="kpi-{fiscal_year}.xlsx"'
    return response


def _facts_context(fiscal_year: int, code: str, year: int, request, *, public: bool) -> dict:
    kpi = _kpi_for(fiscal_year, code)
    if year not in kpi.years or year > fiscal_year:
        raise Http404
    kpi = (
        KpiDefinition.objects.filter(pk=kpi.pk)
        .prefetch_related("manual_values", "year_targets")
        .get()
    )
    calculator = Calculator()
    value = calculator.value(kpi, year)
    components = []
    if kpi.aggregation == KpiDefinition.Aggregation.CUMULATIVE and year > kpi.baseline_year:
        components = [
            {
                "label": wareki_fiscal_year_label(kpi.baseline_year),
                "value": kpi.baseline_value,
                "origin": "baseline",
            }
        ] + [
            {"label": wareki_fiscal_year_label(y), **vars(calculator.component(kpi, y))}
            for y in range(kpi.baseline_year + 1, year + 1)
        ]
    figure = error = page = columns = cells = None
    manual = None
    if kpi.has_facts_for(year):
        try:
            figure = compute_figure(kpi.source_key, year)
        except SourceUnavailable as exc:
            error = exc.reason
        else:
            page = Paginator(figure.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
            columns, cells = figure_table(figure, page.object_list, public=public)
    else:
        manual = ManualValue.objects.filter(kpi=kpi, fiscal_year=year).first()
    return {
        "kpi": kpi,
        "fiscal_year": fiscal_year,
        "year": year,
        "value": value,
        "figure": figure,
        "error": error,
        "page": page,
        "columns": columns,
        "cells": cells,
        "manual": manual,
        "components": components,
        "public": public,
    }


@dx_staff_only
def facts(request, fiscal_year: int, code: str, year: int):
    """The rows behind one value of the sheet."""
    context = _facts_context(fiscal_year, code, year, request, public=False)
    return render(request, "kpi/facts.html", context)


# --- Staff: inputs -----------------------------------------------------------


@dx_staff_only
def comment_edit(request, fiscal_year: int, code: str):
    """Write the section's analysis and future direction for one KPI and year."""
    kpi = _kpi_for(fiscal_year, code)
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
        except ValidationError as exc:
            _form_errors(form, exc)
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
    kpi = _kpi_for(fiscal_year, code)
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
        except ValidationError as exc:
            _form_errors(form, exc)
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
            "history": audit_history(instance)[:20] if instance else [],
        },
    )


@dx_staff_only
def year_close(request, fiscal_year: int):
    """Close a fiscal year: its sheet is frozen as published."""
    data = _sheet_or_404(fiscal_year)
    if request.method == "POST":
        try:
            services.year_close(fiscal_year=fiscal_year, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, gettext("The fiscal year was closed and its sheet frozen."))
        return redirect("kpi:sheet", fiscal_year=fiscal_year)
    return render(
        request,
        "kpi/close_confirm.html",
        {
            "sheet": present(data),
            "fiscal_year": fiscal_year,
            "blockers": services.closing_blockers(data),
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
        except ValidationError as exc:
            _form_errors(form, exc)
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
    periods = PlanPeriod.objects.prefetch_related("kpis").order_by("-first_fiscal_year")
    return render(request, "kpi/kpi_list.html", {"periods": periods})


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
        except ValidationError as exc:
            _form_errors(form, exc)
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
        except ValidationError as exc:
            _form_errors(target_form, exc)
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
            "history": audit_history(kpi)[:30],
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
        except ValidationError as exc:
            _form_errors(form, exc)
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
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, gettext("The incident was updated."))
            return redirect("kpi:incident_list")
    return render(
        request,
        "kpi/incident_form.html",
        {"form": form, "incident": incident, "history": audit_history(incident)[:20]},
    )


# --- Staff: dashboard ---------------------------------------------------------


def _at_risk(row: dict, progress: Decimal) -> bool:
    value = row["value"]
    if value is None:
        return True
    value = Decimal(str(value))
    if row["direction"] == "keep_zero":
        return value > 0
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
                if row["aggregation"] == "per_year" and not row["is_keep_zero"]
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
    return render(
        request,
        "kpi/dashboard.html",
        {
            "sheet": data,
            "fiscal_year": year,
            "progress_percent": (progress * 100).quantize(Decimal("1")),
            "open_incidents": open_incidents(),
            "needs_comment": needs_comment,
            "needs_value": needs_value,
            "unclosed": unclosed,
        },
    )


# --- Public --------------------------------------------------------------------


def _public_years() -> list[dict]:
    return [{"fiscal_year": y, "closed": current_closing(y) is not None} for y in published_years()]


@login_not_required
@require_GET
def public_report(request):
    """The public KPI report: the newest year's sheet and links to every year."""
    years = published_years()
    if not years:
        return render(request, "kpi/public_report.html", {"sheet": None, "years": []})
    return _public_sheet(request, years[0])


@login_not_required
@require_GET
def public_year(request, fiscal_year: int):
    """The public sheet of one fiscal year."""
    if fiscal_year not in published_years():
        raise Http404
    return _public_sheet(request, fiscal_year)


def _public_sheet(request, fiscal_year: int):
    data = present(_sheet_or_404(fiscal_year), charts=True)
    return render(
        request,
        "kpi/public_report.html",
        {"sheet": data, "years": _public_years(), "columns": year_columns(data)},
    )


@login_not_required
@require_GET
def public_facts(request, fiscal_year: int, code: str, year: int):
    """The public breakdown behind one value, with small counts of people suppressed."""
    if fiscal_year not in published_years():
        raise Http404
    context = _facts_context(fiscal_year, code, year, request, public=True)
    return render(request, "kpi/facts.html", context)


def _export(fiscal_year: int, fmt: str, content_type: str) -> HttpResponse:
    if fiscal_year not in published_years():
        raise Http404
    content = sheet_export(fiscal_year, fmt)
    if content is None:
        raise Http404
    response = HttpResponse(content.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="kpi-{fiscal_year}.{fmt}"'
    return response


@login_not_required
@require_GET
def public_csv(request, fiscal_year: int):
    """The sheet of one fiscal year as CSV (UTF-8)."""
    return _export(fiscal_year, "csv", "text/csv; charset=utf-8")


@login_not_required
@require_GET
def public_json(request, fiscal_year: int):
    """The sheet of one fiscal year as JSON."""
    return _export(fiscal_year, "json", "application/json; charset=utf-8")
