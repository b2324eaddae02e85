"""The KPI: machines operating on 31 March (JST), read from the status history."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest

from wifi.models import MachineStatus
from wifi.selectors import kpi_machines_operating_at_year_end, machines_operating_on
from wifi.services import machine_status_change

pytestmark = pytest.mark.django_db

FY = 2025  # 令和7年度: 2025-04-01 … 2026-03-31


def _codes(figure):
    return {row["code"] for row in figure.rows}


def test_machine_removed_on_1_april_still_counts_for_the_year_ending_31_march(make_machine):
    machine = make_machine(
        history=[
            ("installed", date(2025, 5, 1)),
            ("operating", date(2025, 5, 10)),
            ("removed", date(2026, 4, 1)),
        ]
    )
    figure = kpi_machines_operating_at_year_end(FY)
    assert figure.value == 1
    assert _codes(figure) == {machine.code}
    assert kpi_machines_operating_at_year_end(FY + 1).value == 0


def test_machine_suspended_on_31_march_does_not_count(make_machine):
    make_machine(history=[("operating", date(2025, 4, 1)), ("suspended", date(2026, 3, 31))])
    assert kpi_machines_operating_at_year_end(FY).value == 0


def test_machine_resumed_on_31_march_counts(make_machine):
    make_machine(
        history=[
            ("operating", date(2025, 4, 1)),
            ("suspended", date(2026, 2, 1)),
            ("operating", date(2026, 3, 31)),
        ]
    )
    figure = kpi_machines_operating_at_year_end(FY)
    assert figure.value == 1
    assert figure.rows[0]["operating_since"] == date(2026, 3, 31)


def test_machine_installed_but_not_yet_operating_does_not_count(make_machine):
    make_machine(history=[("installed", date(2026, 3, 1)), ("operating", date(2026, 4, 1))])
    assert kpi_machines_operating_at_year_end(FY).value == 0
    assert kpi_machines_operating_at_year_end(FY + 1).value == 1


def test_machine_removed_before_year_end_does_not_count_but_counted_the_year_before(make_machine):
    make_machine(history=[("operating", date(2024, 6, 1)), ("removed", date(2025, 10, 1))])
    assert kpi_machines_operating_at_year_end(FY - 1).value == 1
    assert kpi_machines_operating_at_year_end(FY).value == 0


def test_year_end_count_mixes_machines_and_explains_itself(make_machine):
    counted = make_machine(history=[("operating", date(2024, 4, 1))])
    make_machine(history=[("planned", date(2025, 1, 1))])
    make_machine(history=[("operating", date(2024, 4, 1)), ("removed", date(2026, 3, 30))])
    also_counted = make_machine(
        history=[("operating", date(2024, 4, 1)), ("removed", date(2026, 4, 1))]
    )
    figure = kpi_machines_operating_at_year_end(FY)
    assert figure.value == 2 == len(figure.rows)
    assert _codes(figure) == {counted.code, also_counted.code}
    assert {c.key for c in figure.columns} >= {"facility", "spot", "operator", "operating_since"}
    assert "令和8年3月31日" in figure.explanation


def test_later_change_does_not_rewrite_an_earlier_year(make_machine, dx_staff):
    machine = make_machine(history=[("operating", date(2024, 4, 1))])
    assert kpi_machines_operating_at_year_end(FY - 1).value == 1
    machine_status_change(
        machine=machine,
        status=MachineStatus.REMOVED,
        reason="撤去",
        by=dx_staff,
        effective_on=date(2025, 9, 1),
    )
    assert kpi_machines_operating_at_year_end(FY - 1).value == 1
    assert kpi_machines_operating_at_year_end(FY).value == 0


def _at_utc(*args):
    return mock.patch("django.utils.timezone.now", return_value=datetime(*args, tzinfo=UTC))


def test_suspension_recorded_at_2359_jst_on_31_march_falls_on_31_march(make_machine, dx_staff):
    machine = make_machine(history=[("operating", date(2025, 4, 1))])
    with _at_utc(2026, 3, 31, 14, 59):  # 23:59 JST, 31 March
        change = machine_status_change(
            machine=machine, status=MachineStatus.SUSPENDED, reason="故障", by=dx_staff
        )
    assert change.effective_on == date(2026, 3, 31)
    assert kpi_machines_operating_at_year_end(FY).value == 0


def test_removal_recorded_at_0000_jst_on_1_april_counts_for_the_closing_year(
    make_machine, dx_staff
):
    machine = make_machine(history=[("operating", date(2025, 4, 1))])
    with _at_utc(2026, 3, 31, 15, 0):  # 00:00 JST, 1 April (still 31 March in UTC)
        change = machine_status_change(
            machine=machine, status=MachineStatus.REMOVED, reason="契約満了", by=dx_staff
        )
    assert change.effective_on == date(2026, 4, 1)
    assert kpi_machines_operating_at_year_end(FY).value == 1
    assert not machines_operating_on(date(2026, 4, 1)).exists()
