"""seed_demo takes 令和7年度 through the whole review: five measures filled, the DX board's
meeting recorded, the year confirmed and published on the public report."""

import pytest
from django.core.management import call_command

from kpi.models import MeasureCheck, YearClosing, YearReview

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_2025_with_the_five_measures_filled(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    checks = MeasureCheck.objects.filter(fiscal_year=2025).select_related("measure", "updated_by")
    assert checks.count() == 5
    assert all(c.progress and c.assessment and c.direction and c.board_decision for c in checks)
    equipment = checks.get(measure__code="community-equipment")
    assert equipment.updated_by.email == "seikatsu@example.jp"  # 生活課 filled its own row
    review = YearReview.objects.get(fiscal_year=2025)
    assert review.status == "published" and review.meeting_date is not None
    assert YearClosing.objects.filter(fiscal_year=2025, reopened_at__isnull=True).count() == 1
    page = client.get("/kpi/")
    assert page.context["sheet"]["fiscal_year"] == 2025 and page.context["published"]
    assert "コミュニティ備品（デジタル対応）の貸し出し" in page.content.decode()


@pytest.mark.django_db
def test_demo_incidents_give_the_analysis_kinds_and_causes_without_a_serious_one():
    from core import demo as core_demo
    from kpi import demo as kpi_demo
    from kpi.models import Incident
    from kpi.selectors import incident_analysis

    core_demo.seed()  # the 総務課 account records them
    kpi_demo.seed()
    assert not Incident.objects.filter(severity=Incident.Severity.SERIOUS).exists()
    analysis = incident_analysis(first_year=2024, last_year=2025)
    assert len(analysis.by_category.rows) >= 3 and len(analysis.by_cause.rows) >= 2
    count = Incident.objects.count()
    kpi_demo.seed()
    assert Incident.objects.count() == count
