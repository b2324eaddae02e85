"""Test-only KPI sources computed from real rows (core.User sign-ups), registered
by the kpi tests' conftest (beside the apps' declared sources). They exercise the
engine the same way the apps' selectors do: a Figure with rows and columns."""

from django.db.models import Count
from django.db.models.functions import TruncMonth

from core.figures import Column, Figure
from core.fiscal import fiscal_year_bounds
from core.models import User


def users_joined(fiscal_year: int) -> Figure:
    start, end = fiscal_year_bounds(fiscal_year)
    joined = User.objects.filter(date_joined__gte=start, date_joined__lt=end)
    rows = list(
        joined.annotate(month=TruncMonth("date_joined"))
        .values("month")
        .annotate(people=Count("id"))
        .order_by("month")
    )
    for row in rows:
        row["month"] = row["month"].strftime("%Y-%m")
    return Figure(
        value=joined.count(),
        rows=rows,
        columns=(Column("month", "月"), Column("people", "人数", is_people_count=True)),
        explanation="Accounts created in the fiscal year, per month.",
    )


def users_at_year_end(fiscal_year: int) -> Figure:
    _start, end = fiscal_year_bounds(fiscal_year)
    rows = User.objects.filter(date_joined__lt=end, is_active=True).order_by("date_joined", "id")
    return Figure(
        value=rows.count(),
        rows=rows,
        columns=(Column("date_joined", "登録日時"),),
        explanation="Active accounts on 31 March.",
    )


def not_a_figure(fiscal_year: int):
    return fiscal_year
