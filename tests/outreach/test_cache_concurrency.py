"""Writes that bump several page-cache versions at once never wait for each other
(core.pagecache: every write bumps its keys last, in one order), on PostgreSQL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.figures import KPI_CACHE
from core.models import CacheVersion
from outreach import services
from outreach.models import ClassSession
from outreach.selectors.classes import ANALYSIS_CACHE, PUBLIC_CLASSES_CACHE

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 4


def test_session_edits_attendance_and_applications_at_once_all_commit(make_session, dx_staff, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    soon = timezone.now() + timedelta(days=7)
    ahead = [make_session(starts_at=soon + timedelta(days=n), capacity=30) for n in range(ROUNDS)]
    held = [
        make_session(starts_at=timezone.now() - timedelta(days=n + 1), status="held")
        for n in range(ROUNDS)
    ]

    def work(index: int):
        n, kind = divmod(index, 3)
        if kind == 0:  # bumps the KPI, public-list and analysis keys
            session = ClassSession.objects.get(pk=ahead[n].pk)
            return services.session_update(session=session, by=None, capacity=31)
        if kind == 1:  # the KPI and analysis keys
            session = ClassSession.objects.get(pk=held[n].pk)
            return services.attendance_add_walk_in(session=session, by=None)
        session = ClassSession.objects.get(pk=ahead[(n + 1) % ROUNDS].pk)
        return services.application_create(  # the public-list and analysis keys
            session=session,
            name=f"同時 太郎{index}",
            phone=f"090-1111-{index:04d}",
            phone_type="android",
            channel="online",
        )

    outcomes = race(3 * ROUNDS, work)
    assert outcomes.errors == []
    versions = dict(CacheVersion.objects.values_list("key", "version"))
    assert versions[ANALYSIS_CACHE] == 3 * ROUNDS
    assert versions[PUBLIC_CLASSES_CACHE] == 2 * ROUNDS
    assert versions[KPI_CACHE] == 2 * ROUNDS
