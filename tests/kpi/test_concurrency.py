"""Two 総務課 staff closing the same year at once: exactly one closing, one audit entry."""

import threading

import pytest
from django.db import connection

from core.models import AuditEntry
from core.refusals import Refusal
from kpi import services
from kpi.models import YearClosing

THREADS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_closings_of_one_year_make_one_snapshot(texts, facts, dx_staff):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real parallel transactions")
    barrier = threading.Barrier(THREADS)
    outcomes, errors = [], []

    def close():
        try:
            barrier.wait()
            services.year_close(fiscal_year=2025, by=dx_staff)
            outcomes.append("closed")
        except Refusal:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=close) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["closed"] + ["refused"] * (THREADS - 1)
    assert YearClosing.objects.filter(fiscal_year=2025, reopened_at__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="kpi.year.closed").count() == 1
