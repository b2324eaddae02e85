"""Public views: the KPI report, its CSV and JSON, and the breakdowns behind the figures."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.exports import CSV_TYPE

from ..exports import sheet_export
from ..presentation import present, year_columns
from ..sheets import (
    current_closing,
    published_years,
)
from .common import default_year, facts_context, sheet_or_404


def _public_years() -> list[dict]:
    return [{"fiscal_year": y, "closed": current_closing(y) is not None} for y in published_years()]


@login_not_required
@require_GET
def public_report(request):
    """The public KPI report: the newest year's sheet and links to every year."""
    years = published_years()
    if not years:
        return render(request, "kpi/public_report.html", {"sheet": None, "years": []})
    return _public_sheet(request, default_year() or years[0])


@login_not_required
@require_GET
def public_year(request, fiscal_year: int):
    """The public sheet of one fiscal year."""
    if fiscal_year not in published_years():
        raise Http404
    return _public_sheet(request, fiscal_year)


def _public_sheet(request, fiscal_year: int):
    data = present(sheet_or_404(fiscal_year), charts=True)
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
    context = facts_context(fiscal_year, code, year, request, public=True)
    return render(request, "kpi/facts.html", context)


def _export(fiscal_year: int, fmt: str, content_type: str) -> HttpResponse:
    if fiscal_year not in published_years():
        raise Http404
    content = sheet_export(fiscal_year, fmt)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="kpi-{fiscal_year}.{fmt}"'
    return response


@login_not_required
@require_GET
def public_csv(request, fiscal_year: int):
    """The sheet of one fiscal year as CSV (UTF-8 without BOM, like the other open data)."""
    return _export(fiscal_year, "csv", CSV_TYPE)


@login_not_required
@require_GET
def public_json(request, fiscal_year: int):
    """The sheet of one fiscal year as JSON."""
    return _export(fiscal_year, "json", "application/json; charset=utf-8")
