"""The sheet's values, 達成率 and 評価 from real rows, against numbers worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from core.refusals import Refusal
from kpi import services
from kpi.models import Incident, KpiDefinition
from kpi.sheets import sheet

pytestmark = pytest.mark.django_db


def rows_of(fiscal_year):
    return {row["code"]: row for row in sheet(fiscal_year)["rows"]}


def values_of(row):
    return {v["fiscal_year"]: (v["value"], v["origin"]) for v in row["values"]}


def test_per_year_kpi_counts_the_year_with_jst_edges(facts):
    row = rows_of(2025)["joined"]
    # FY2025 = 2025-04-01 00:00 JST … 2026-03-31 23:59:59 JST: 1 + 17 + 1 + 1 = 20
    assert row["value"] == 20
    assert values_of(row) == {
        2021: (10, "baseline"),
        2022: (None, "missing"),  # before facts, nothing typed in
        2023: (None, "missing"),
        2024: (3, "facts"),  # incl. 2025-03-31 23:59 JST
        2025: (20, "facts"),
    }
    # (20 − 10) / (30 − 10) = 0.5 → 50.0%; 20 > 10 + 1 and < 30 → A
    assert (row["rate_percent"], row["grade"], row["passed"]) == (50.0, "A", None)


def test_a_year_below_its_baseline_grades_c_with_a_negative_rate(facts):
    row = rows_of(2024)["joined"]
    # (3 − 10) / 20 = −0.35 → −35.0%; 3 < 9 → C; 2025 is still in the future
    assert (row["value"], row["rate_percent"], row["grade"]) == (3, -35.0, "C")
    assert values_of(row)[2025] == (None, "future")


def test_state_at_year_end_counts_what_exists_on_31_march(facts):
    row = rows_of(2025)["members"]
    # active users who joined before 2026-04-01 00:00 JST: 3 + 20 = 23 (not the one at 00:00)
    assert values_of(row) == {
        2021: (2, "baseline"),
        2022: (0, "facts"),
        2023: (0, "facts"),
        2024: (3, "facts"),
        2025: (23, "facts"),
    }
    # (23 − 2) / (40 − 2) = 21 / 38 = 0.55263 → 55.3%; above 2.2 → A
    assert (row["rate_percent"], row["grade"]) == (55.3, "A")


def test_cumulative_kpi_adds_typed_in_years_and_facts_from_the_baseline(facts):
    row = rows_of(2025)["training"]
    # 30 (baseline, 2021) + 28 + 31 + 27 (typed in) + 20 (FY2025 facts) = 136
    assert values_of(row) == {
        2021: (30, "baseline"),
        2022: (58, "manual"),
        2023: (89, "manual"),
        2024: (116, "manual"),
        2025: (136, "mixed"),  # typed-in years and records: both parts shown
    }
    # the parts add up: 20 recorded (FY2025) + 116 typed in (baseline 30 + 28 + 31 + 27)
    assert (row["recorded"], row["typed_in"]) == (20, 116)
    assert row["recorded"] + row["typed_in"] == row["value"]
    assert [(v["recorded"], v["typed_in"]) for v in row["values"]] == [
        (0, 30),
        (0, 58),
        (0, 89),
        (0, 116),
        (20, 116),
    ]
    # (136 − 30) / (150 − 30) = 106 / 120 = 0.88333 → 88.3%; A
    assert (row["value"], row["rate_percent"], row["grade"]) == (136, 88.3, "A")


def test_keep_at_zero_passes_when_only_minor_or_other_year_incidents_exist(facts):
    row = rows_of(2025)["incidents"]
    # serious 2025-03-31 is FY2024, 2026-04-01 is FY2026, the FY2025 one is minor
    assert (row["value"], row["passed"], row["rate_percent"], row["grade"]) == (0, True, None, "S")


def test_keep_at_zero_fails_on_one_serious_incident_on_31_march(facts):
    Incident.objects.create(occurred_on=date(2026, 3, 31), severity="serious", summary="x")
    row = rows_of(2025)["incidents"]
    assert (row["value"], row["passed"], row["rate_percent"], row["grade"]) == (1, False, None, "C")


def test_plain_rate_and_abcd_grades_are_configurable_per_kpi(facts):
    row = rows_of(2025)["plain"]
    # 20 / 25 = 0.8 → 80.0% → B (80–110%)
    assert (row["value"], row["rate_percent"], row["grade"]) == (20, 80.0, "B")


def test_intermediate_target_is_the_year_target(facts, dx_staff):
    services.year_target_set(kpi=facts["joined"], fiscal_year=2024, value=Decimal(12), by=dx_staff)
    row = rows_of(2024)["joined"]
    # (3 − 10) / (12 − 10) = −3.5 → −350.0%
    assert (row["year_target"], row["rate_percent"], row["grade"]) == (12, -350.0, "C")
    assert rows_of(2025)["joined"]["year_target"] == 30


def test_manual_entry_is_refused_for_years_with_facts(facts, dx_staff):
    with pytest.raises(Refusal):
        services.manual_value_set(
            kpi=facts["joined"], fiscal_year=2024, value=Decimal(99), note="x", by=dx_staff
        )


def test_manual_entry_for_a_year_before_go_live_is_marked_and_audited(facts, dx_staff):
    from core.audit import audit_history

    entry = services.manual_value_set(
        kpi=facts["joined"],
        fiscal_year=2023,
        value=Decimal(14),
        note="令和5年度 紙の台帳",
        by=dx_staff,
    )
    assert values_of(rows_of(2025)["joined"])[2023] == (14, "manual")
    history = list(audit_history(entry))
    assert history[0].action == "kpi.manual_value.set"
    assert history[0].changes["value"] == [None, "14"]


def test_unknown_or_uninstalled_source_is_a_clear_error_not_a_crash(facts, dx_staff):
    services.kpi_update(
        kpi=facts["plain"], changes={"source_key": "test.not_installed"}, by=dx_staff
    )
    row = rows_of(2025)["plain"]
    assert row["value"] is None and row["origin"] == "error" and row["grade"] == "−"
    assert "nowhere.selectors.kpi_nothing" in values_of_note(row, 2025)
    KpiDefinition.objects.filter(pk=facts["plain"].pk).update(source_key="test.unknown")
    assert "AppConfig.kpi_sources" in values_of_note(rows_of(2025)["plain"], 2025)
    KpiDefinition.objects.filter(pk=facts["plain"].pk).update(source_key="test.not_a_figure")
    assert rows_of(2025)["plain"]["origin"] == "error"


def values_of_note(row, year):
    return next(v["note"] for v in row["values"] if v["fiscal_year"] == year)


def test_kpi_changes_are_audited_field_by_field(facts, dx_staff):
    from core.audit import audit_history

    services.kpi_update(kpi=facts["joined"], changes={"target_value": Decimal(40)}, by=dx_staff)
    entry = audit_history(facts["joined"]).first()
    assert entry.action == "kpi.definition.changed"
    assert entry.changes == {"target_value": ["30.00", "40"]}
    # (20 − 10) / (40 − 10) = 0.3333 → 33.3%
    assert rows_of(2025)["joined"]["rate_percent"] == 33.3


def test_no_sheet_for_a_year_outside_every_period(engine_period):
    assert sheet(2019) is None


def test_a_kpi_without_a_source_is_entered_by_hand_every_year(facts, dx_staff):
    kpi = services.kpi_update(kpi=facts["plain"], changes={"source_key": ""}, by=dx_staff)
    assert rows_of(2025)["plain"]["origin"] == "missing"
    services.manual_value_set(
        kpi=kpi, fiscal_year=2025, value=Decimal(30), note="集計表より", by=dx_staff
    )
    row = rows_of(2025)["plain"]
    # 30 / 25 = 1.2 → 120.0% → A (≥110%)
    assert (row["value"], row["origin"], row["rate_percent"], row["grade"]) == (
        30,
        "manual",
        120.0,
        "A",
    )
