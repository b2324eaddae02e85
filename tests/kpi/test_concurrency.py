"""Two 総務課 staff closing the same year at once: exactly one closing, one audit entry."""

import pytest
from django.db import connection

from core.models import AuditEntry
from core.refusals import Refusal
from kpi import services
from kpi.models import YearClosing

from .conftest import board_reviewed

THREADS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_closings_of_one_year_make_one_snapshot(texts, facts, dx_staff, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real parallel transactions")

    board_reviewed(2025, dx_staff)

    def close(_):
        try:
            services.year_close(fiscal_year=2025, by=dx_staff)
        except Refusal:
            return "refused"
        return "closed"

    outcomes = race(THREADS, close)
    assert outcomes.errors == []
    assert sorted(outcomes) == ["closed"] + ["refused"] * (THREADS - 1)
    assert YearClosing.objects.filter(fiscal_year=2025, reopened_at__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="kpi.year.closed").count() == 1
