"""The public report: no sign-in, provisional figures marked, no personal data, small counts hidden."""

import pytest
from django.urls import reverse

from .conftest import publish

pytestmark = pytest.mark.django_db


def test_public_report_needs_no_sign_in_and_marks_running_figures_provisional(
    facts, client, fy2025_running
):
    response = client.get("/kpi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["sheet"]["fiscal_year"] == 2025  # the running year, none published
    assert "暫定" in html
    assert 'role="img"' in html and 'class="kpi-chart-svg"' in html  # server-rendered charts
    assert '<desc id="chart-desc-joined">' in html
    assert reverse("kpi:public_facts", args=[2025, "joined", 2025]) in html


def test_public_report_shows_no_personal_data(texts, facts, client, dx_staff):
    dx_staff.full_name = "総務 花子"
    dx_staff.save()
    publish(2025, dx_staff)
    pages = [
        client.get("/kpi/").content.decode(),
        client.get("/kpi/2025/").content.decode(),
        client.get("/kpi/2025.json").content.decode(),
        client.get(reverse("kpi:public_facts", args=[2025, "incidents", 2025])).content.decode(),
        client.get(reverse("kpi:public_facts", args=[2025, "joined", 2025])).content.decode(),
    ]
    for html in pages:
        assert "総務 花子" not in html and dx_staff.email not in html
        assert "@example.jp" not in html
        assert "住民" not in html  # the members' names behind the counts
        assert "軽微な誤送信" not in html and "FY2026の重要事故" not in html  # incident summaries
    assert "確定" in pages[1]


def test_public_breakdown_suppresses_counts_under_five_people(facts, client, fy2025_running):
    response = client.get(reverse("kpi:public_facts", args=[2025, "joined", 2025]))
    assert response.status_code == 200
    cells = response.context["cells"]
    # months of FY2025: April 1, June 17, November 1, March 1
    assert cells == [
        ["2025-04", "5未満"],
        ["2025-06", 17],
        ["2025-11", "5未満"],
        ["2026-03", "5未満"],
    ]
    assert "5未満" in response.content.decode()


def test_staff_breakdown_shows_the_exact_counts(facts, client_for, dx_staff):
    response = client_for(dx_staff).get(reverse("kpi:facts", args=[2025, "joined", 2025]))
    assert response.context["cells"] == [
        ["2025-04", 1],
        ["2025-06", 17],
        ["2025-11", 1],
        ["2026-03", 1],
    ]


def test_public_report_in_english(facts, client, fy2025_running):
    client.post(reverse("set_language"), {"language": "en", "next": "/kpi/"})
    html = client.get("/kpi/2025/").content.decode()
    assert "FY2025 (Reiwa 7)" in html and "Provisional" in html
    assert client.get(reverse("kpi:public_facts", args=[2025, "joined", 2025])).context["cells"][
        0
    ] == ["2025-04", "<5"]


def test_public_pages_404_for_years_without_a_sheet(engine_period, client):
    assert client.get("/kpi/2019/").status_code == 404
    assert client.get(reverse("kpi:public_facts", args=[2025, "joined", 2026])).status_code == 404


def test_public_report_without_any_period_says_so(db, client):
    from kpi.models import KpiDefinition, Measure, PlanPeriod

    Measure.objects.all().delete()
    KpiDefinition.objects.all().delete()
    PlanPeriod.objects.all().delete()
    response = client.get("/kpi/")
    assert response.status_code == 200
    assert "まだ公表している数値はありません" in response.content.decode()
