"""Public views: the KPI report, its CSV and JSON, and the breakdowns behind the figures.

Only years the review published (公表) are public, and the current year with its
provisional figures, clearly marked; a year closed but not yet published, or a past
year never reviewed, is 404 here.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from core.exports import CSV_TYPE

from ..exports import sheet_export
from ..presentation import present, year_columns
from ..review import check_rows, public_years, review_of
from .common import cached_page, facts_context, sheet_or_404


def _public_or_404(fiscal_year: int) -> list[dict]:
    years = public_years()
    if fiscal_year not in {y["fiscal_year"] for y in years}:
        raise Http404
    return years


@login_not_required
@require_GET
def public_report(request):
    """The public KPI report: the newest published year (else this year, provisional).

    Cached until the next write of a fact it counts (``cached_page``), like each year's page."""
    fiscal_year, content = cached_page("public_report", None, lambda: _newest_content(request))
    return _public_page(request, fiscal_year, content)


@login_not_required
@require_GET
def public_year(request, fiscal_year: int):
    """The public sheet of one fiscal year."""
    content = cached_page(
        "public_year",
        fiscal_year,
        lambda: _sheet_content(request, fiscal_year, _public_or_404(fiscal_year)),
    )
    return _public_page(request, fiscal_year, content)


def _public_page(request, fiscal_year: int | None, content: str):
    return render(
        request,
        "kpi/public_report.html",
        {"fiscal_year": fiscal_year, "content": mark_safe(content)},  # noqa: S308 - our template
    )


def _newest_content(request) -> tuple[int | None, str]:
    years = public_years()
    if not years:
        return None, render_to_string(
            "kpi/_public_report_page.html", {"sheet": None, "year_menu": []}, request
        )
    newest = next((y for y in years if y["published"]), years[0])
    return newest["fiscal_year"], _sheet_content(request, newest["fiscal_year"], years)


def _sheet_content(request, fiscal_year: int, years: list[dict]) -> str:
    data = present(sheet_or_404(fiscal_year), charts=True)
    published = any(y["fiscal_year"] == fiscal_year and y["published"] for y in years)
    return render_to_string(
        "kpi/_public_report_page.html",
        {
            "sheet": data,
            "published": published,
            "review": review_of(fiscal_year) if published else None,
            "measure_rows": check_rows(fiscal_year) if published else [],
            # The table's year columns (labels) and the year menu are two lists.
            "columns": year_columns(data),
            "year_menu": years,
        },
        request,
    )


@login_not_required
@require_GET
def public_facts(request, fiscal_year: int, code: str, year: int):
    """The public breakdown behind one value, with small counts of people suppressed."""
    _public_or_404(fiscal_year)
    context = facts_context(fiscal_year, code, year, request, public=True)
    return render(request, "kpi/facts.html", context)


def _export(fiscal_year: int, fmt: str, content_type: str) -> HttpResponse:
    _public_or_404(fiscal_year)
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
