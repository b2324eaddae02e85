"""The Wi-Fi analysis is cached per year and language, and every write to the machines
and their monthly figures shows on the next request (core.pagecache)."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import CacheVersion
from core.refusals import Refusal
from wifi.selectors import ANALYSIS_CACHE
from wifi.services import (
    machine_status_change,
    machine_update,
    usage_import_csv,
    usage_record,
)

pytestmark = pytest.mark.django_db


def _page(client, fy: int = 2025) -> str:
    response = client.get(f"/wifi/analysis/?fy={fy}")
    assert response.status_code == 200
    return response.content.decode()


def _year_end_count(page: str) -> int:
    return int(re.search(r'id="year-end-heading">[^<]*：(\d+)台</h2>', page).group(1))


@pytest.fixture
def staff(client_for, dx_staff):
    return client_for(dx_staff)


@pytest.fixture
def machine(make_machine, dx_staff):
    machine = make_machine(code="WV-077")
    usage_record(
        machine=machine,
        month=date(2025, 6, 1),
        connections=321,
        source="operator_report",
        by=dx_staff,
    )
    return machine


def test_a_cached_analysis_is_served_without_reading_the_figures(staff, machine):
    assert "321" in _page(staff)
    with CaptureQueriesContext(connection) as hit:
        assert "321" in _page(staff)
    assert not [q for q in hit.captured_queries if "wifi_" in q["sql"]]


def test_recorded_figures_show_on_the_next_request(staff, machine, dx_staff):
    assert "6月 321" in _page(staff)
    assert "6月 321" in _page(staff)  # from the cache
    usage_record(
        machine=machine,
        month=date(2025, 6, 1),
        connections=400,
        source="operator_report",
        by=dx_staff,
        replace=True,
    )
    assert "6月 400" in _page(staff)
    usage_import_csv(
        content="管理番号,年月,接続数,利用者数,データ量MB,出典\nWV-077,2025-07,55,,,推計\n".encode(),
        by=dx_staff,
    )
    assert "7月 55" in _page(staff)


def test_a_machine_change_shows_on_the_next_request(staff, machine, dx_staff):
    page = _page(staff)
    assert _year_end_count(page) == 1 and "WV-077" in page
    machine_update(machine=machine, data={"code": "WV-078"}, by=dx_staff)
    assert "WV-078" in _page(staff)
    machine_status_change(
        machine=machine, status="removed", reason="撤去", by=dx_staff, effective_on=date(2026, 3, 1)
    )
    assert _year_end_count(_page(staff)) == 0


def test_years_and_languages_are_cached_apart(staff, machine):
    assert "6月 321" in _page(staff, 2025)
    assert "6月 321" not in _page(staff, 2024)
    japanese = _page(staff)
    staff.cookies["django_language"] = "en"
    english = _page(staff)
    assert "Connections per machine per month" in english
    assert "Connections per machine per month" not in japanese


def test_a_refused_write_leaves_the_version_alone(staff, machine, dx_staff):
    _page(staff)
    before = CacheVersion.objects.filter(key=ANALYSIS_CACHE).first()
    with pytest.raises(Refusal):  # the month has figures already
        usage_record(
            machine=machine, month=date(2025, 6, 1), connections=1, source="estimate", by=dx_staff
        )
    assert CacheVersion.objects.filter(key=ANALYSIS_CACHE).first() == before
