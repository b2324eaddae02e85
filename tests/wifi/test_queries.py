"""Lists cost the same number of queries for 1 row as for 50."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wifi.models import MonthlyUsage

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/wifi/", "/wifi/machines/", "/wifi/usage/", "/wifi/analysis/?fy=2025"]
PUBLIC_PAGES = ["/wifi/spots/", "/opendata/wifi.csv"]
EXPORTS = ["/wifi/machines/?_export=csv", "/wifi/usage/?_export=xlsx"]


def _fill(make_machine, count: int) -> None:
    for _ in range(count):
        machine = make_machine(history=[("operating", date(2025, 4, 1))])
        MonthlyUsage.objects.create(
            machine=machine, month=date(2025, 5, 1), connections=10, source="estimate"
        )


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.mark.parametrize("path", STAFF_PAGES + EXPORTS + PUBLIC_PAGES)
def test_query_count_does_not_grow_with_rows(
    client_for, dx_staff, make_machine, path, django_assert_max_num_queries
):
    client = client_for(dx_staff)
    client.get(path)  # warm caches (content types, session)
    _fill(make_machine, 1)
    with_one = _queries(client, path)
    _fill(make_machine, 49)
    with django_assert_max_num_queries(with_one):
        client.get(path)
    # Recorded in the report: a flat cost, whatever the size of the registry.
    assert with_one <= 12, (path, with_one)


@pytest.mark.parametrize("path", ["/wifi/machines/", "/wifi/usage/"])
def test_registry_lists_ask_no_permission_queries(client_for, dx_staff, make_machine, path):
    # Session, user, roles, the filter's choices, one COUNT and the page's rows (issue 18:
    # the change buttons follow the role, so no user/group permission queries).
    client = client_for(dx_staff)
    _fill(make_machine, 3)
    client.get(path)
    assert _queries(client, path) <= 6


def test_registry_lists_count_without_the_joined_columns(client_for, dx_staff, make_machine):
    dx_client = client_for(dx_staff)
    _fill(make_machine, 3)
    for path in ("/wifi/machines/", "/wifi/usage/?sort=facility"):
        with CaptureQueriesContext(connection) as captured:
            response = dx_client.get(path)
        counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
        assert len(counts) == 1 and "JOIN" not in counts[0], (path, counts)
        table = response.context["table"]
        assert table.paginator.count == table.data.data.count() == 3, path
