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
