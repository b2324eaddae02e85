"""Renewal watch, missing usage, the usage summary and the accessible chart."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from wifi.models import MonthlyUsage
from wifi.selectors import (
    agreements_ending_soon,
    last_completed_quarter,
    machines_missing_usage,
    usage_by_month,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 29)


def test_last_completed_quarter_is_the_three_months_before_this_quarter():
    assert last_completed_quarter(date(2026, 11, 29)) == [
        date(2026, 7, 1),
        date(2026, 8, 1),
        date(2026, 9, 1),
    ]
    assert last_completed_quarter(date(2026, 4, 1)) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert last_completed_quarter(date(2026, 1, 15)) == [
        date(2025, 10, 1),
        date(2025, 11, 1),
        date(2025, 12, 1),
    ]


def test_agreements_ending_within_90_days_are_watched(make_machine):
    soon = make_machine(agreement_end=TODAY + timedelta(days=90))
    make_machine(agreement_end=TODAY + timedelta(days=91))
    make_machine(agreement_end=TODAY - timedelta(days=1))
    make_machine(
        agreement_end=TODAY + timedelta(days=10),
        history=[("operating", date(2024, 4, 1)), ("removed", date(2025, 4, 1))],
    )
    assert list(agreements_ending_soon(TODAY)) == [soon]


def test_operating_machine_without_last_quarter_figures_is_listed(make_machine):
    complete = make_machine(history=[("operating", date(2025, 4, 1))])
    gap = make_machine(history=[("operating", date(2025, 4, 1))])
    make_machine(history=[("operating", date(2025, 4, 1)), ("removed", date(2026, 6, 1))])
    new = make_machine(history=[("operating", date(2026, 9, 10))])
    for month in (7, 8, 9):
        MonthlyUsage.objects.create(
            machine=complete, month=date(2026, month, 1), connections=5, source="estimate"
        )
    MonthlyUsage.objects.create(
        machine=gap, month=date(2026, 7, 1), connections=5, source="estimate"
    )
    missing = {item.machine.code: item.months for item in machines_missing_usage(TODAY)}
    assert missing == {
        gap.code: [date(2026, 8, 1), date(2026, 9, 1)],
        new.code: [date(2026, 9, 1)],  # months before it first operated are not expected
    }


def test_dashboard_shows_the_watch_lists(client_for, dx_staff, make_machine):
    today = timezone.localdate()
    make_machine(code="WV-END", agreement_end=today + timedelta(days=30))
    page = client_for(dx_staff).get("/wifi/").content.decode()
    assert "WV-END" in page
    assert "90日以内に終了する協定" in page
    assert "前の四半期の利用状況が未入力" in page


def test_usage_by_month_sums_machines_and_keeps_sources(make_machine):
    first, second = make_machine(), make_machine()
    MonthlyUsage.objects.create(
        machine=first,
        month=date(2025, 4, 1),
        connections=100,
        distinct_users=40,
        source="operator_report",
    )
    MonthlyUsage.objects.create(
        machine=second, month=date(2025, 4, 1), connections=50, source="estimate"
    )
    MonthlyUsage.objects.create(
        machine=first, month=date(2026, 3, 1), connections=7, source="operator_report"
    )
    MonthlyUsage.objects.create(  # next fiscal year: not counted
        machine=first, month=date(2026, 4, 1), connections=1000, source="operator_report"
    )
    figure = usage_by_month(2025)
    assert figure.value == 157
    assert len(figure.rows) == 12
    april = figure.rows[0]
    assert (april["machines"], april["connections"], april["distinct_users"]) == (2, 150, 40)
    assert april["estimated_figures"] == 1
    assert figure.rows[1]["connections"] == 0 and figure.rows[1]["distinct_users"] is None
    assert figure.rows[11]["connections"] == 7


def test_analysis_chart_is_an_accessible_svg_with_its_table(client_for, dx_staff, make_machine):
    machine = make_machine(code="WV-077")
    MonthlyUsage.objects.create(
        machine=machine, month=date(2025, 6, 1), connections=321, source="operator_report"
    )
    page = client_for(dx_staff).get("/wifi/analysis/?fy=2025").content.decode()
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg
    assert re.search(r"<title id=\"chart-title-\d+\">月ごとの接続数：WV-077", svg)
    assert "6月 321" in svg  # the description reads the values out
    assert "<rect" in svg
    assert "<table" in page and "321" in page.split("<table", 2)[-1]
    assert "style=" not in page  # CSP: no inline style


@pytest.mark.parametrize("fy", ["abc", "1999", "2101", "2025.5", "9" * 40])
def test_analysis_rejects_a_silly_year(client_for, dx_staff, fy):
    assert client_for(dx_staff).get(f"/wifi/analysis/?fy={fy}").status_code == 404


def test_analysis_without_a_year_shows_the_current_one(client_for, dx_staff):
    from core.fiscal import current_fiscal_year

    for query in ("", "?fy="):
        response = client_for(dx_staff).get(f"/wifi/analysis/{query}")
        assert response.status_code == 200
        assert response.context["fiscal_year"] == current_fiscal_year()
