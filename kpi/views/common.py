"""Helpers shared by the staff and public views of the yearly review."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import pagecache
from core.audit import audit_history, with_changes
from core.figures import KPI_CACHE
from core.fiscal import current_fiscal_year, wareki_fiscal_year_label

from ..models import KpiDefinition, ManualValue, PlanPeriod
from ..presentation import figure_table
from ..sheets import (
    Calculator,
    sheet,
    sheet_period,
)
from ..sources import SourceUnavailable, compute_figure

# Rows behind a value are paged: a year of loans can be thousands.
ROWS_PER_PAGE = 50

# The sheet also follows the clock: the running fiscal year (in the key) and what no
# service writes (a course edited in the admin site, a person's name beside a closing),
# so a copy lives no longer than the cached public pages.
KPI_CACHE_SECONDS = pagecache.PUBLIC_CACHE_SECONDS

T = TypeVar("T")


def cached_page(page: str, fiscal_year: int | None, build: Callable[[], T]) -> T:
    """What ``build()`` returns for ``page`` of ``fiscal_year``, kept per language and
    per version of ``KPI_CACHE`` (core.pagecache): every write of a fact a KPI counts
    bumps that version in its own transaction, so the next request renders afresh.

    The version is read before ``build`` reads anything: a copy of older facts is kept
    under an older version, which nobody asks for once the write has committed. A
    refusal (``Http404``) raised by ``build`` is not kept."""
    key = ":".join(
        [
            "kpi",
            page,
            str(fiscal_year),
            translation.get_language() or "",
            str(current_fiscal_year()),
            str(pagecache.version(KPI_CACHE)),
        ]
    )
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, KPI_CACHE_SECONDS)
    return found


def sheet_or_404(fiscal_year: int) -> dict:
    data = sheet(fiscal_year)
    if data is None:
        raise Http404
    return data


def kpi_for(fiscal_year: int, code: str) -> KpiDefinition:
    period = sheet_period(fiscal_year)
    if period is None:
        raise Http404
    return get_object_or_404(KpiDefinition, period=period, code=code)


def history_of(record, model, *, limit: int) -> list:
    """The audit history of one record of the review, with what each entry changed."""
    return with_changes(
        audit_history(record, limit=limit),
        model,
        labels={"target": _("Intermediate target")},
    )


def default_year() -> int | None:
    """The year staff most likely want: this one if a period covers it, else the newest
    year of a period (under review); the current year's figures without targets are one
    link further."""
    today = current_fiscal_year()
    covered = [
        year
        for first, last in PlanPeriod.objects.values_list("first_fiscal_year", "last_fiscal_year")
        for year in range(first, min(last, today) + 1)
    ]
    return max(covered, default=None)


def facts_context(fiscal_year: int, code: str, year: int, request, *, public: bool) -> dict:
    kpi = kpi_for(fiscal_year, code)
    if year < kpi.baseline_year or year > fiscal_year:
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
