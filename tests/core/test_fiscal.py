from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core.fiscal import (
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_dates,
    fiscal_year_label,
    fiscal_year_months,
    wareki_date,
    wareki_fiscal_year_label,
)

JST = ZoneInfo("Asia/Tokyo")
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 3, 31), 2018),
        (date(2019, 4, 1), 2019),
        (date(2019, 5, 1), 2019),
        (date(2020, 3, 31), 2019),
    ],
)
def test_fiscal_year_turns_on_first_of_april(day, expected):
    assert fiscal_year(day) == expected


def test_last_minute_of_march_in_japan_belongs_to_the_old_year():
    assert fiscal_year(datetime(2026, 3, 31, 23, 59, tzinfo=JST)) == 2025
    assert fiscal_year(datetime(2026, 4, 1, 0, 0, tzinfo=JST)) == 2026


def test_utc_instants_are_judged_in_japan_time():
    # 15:00 UTC on 31 March is midnight on 1 April in Tokyo.
    assert fiscal_year(datetime(2026, 3, 31, 14, 59, tzinfo=UTC)) == 2025
    assert fiscal_year(datetime(2026, 3, 31, 15, 0, tzinfo=UTC)) == 2026


def test_fiscal_year_dates_and_bounds():
    assert fiscal_year_dates(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    start, end = fiscal_year_bounds(2025)
    assert start == datetime(2025, 4, 1, tzinfo=JST)
    assert end == datetime(2026, 4, 1, tzinfo=JST)


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2018, "平成30年度"),
        (2019, "令和元年度"),
        (2020, "令和2年度"),
        (2021, "令和3年度"),
        (2025, "令和7年度"),
        (1989, "平成元年度"),
    ],
)
def test_wareki_fiscal_year_labels_write_gannen(year, label):
    assert wareki_fiscal_year_label(year) == label


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2019, 3, 31), "平成31年3月31日"),
        (date(2019, 4, 1), "平成31年4月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2026, 11, 29), "令和8年11月29日"),
    ],
)
def test_wareki_dates_change_era_on_first_of_may_2019(day, label):
    assert wareki_date(day) == label


def test_wareki_date_of_an_instant_uses_japan_time():
    assert wareki_date(datetime(2019, 4, 30, 15, 0, tzinfo=UTC)) == "令和元年5月1日"


def test_fiscal_year_label_follows_the_language():
    assert fiscal_year_label(2019) == "令和元年度"
    with translation.override("en"):
        assert fiscal_year_label(2025) == "FY2025 (Reiwa 7)"


def test_fiscal_year_months_run_april_to_march():
    months = fiscal_year_months(2025)
    assert months[0] == date(2025, 4, 1)
    assert months[-1] == date(2026, 3, 1)
    assert len(months) == 12


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1873, 1, 1), "明治6年1月1日"),
        # Before the Gregorian calendar (and before 明治): 西暦, never an error.
        (date(1872, 12, 31), "1872年12月31日"),
        (date(1800, 1, 1), "1800年1月1日"),
        (date(155, 9, 20), "155年9月20日"),
        (date(1, 1, 1), "1年1月1日"),
    ],
)
def test_wareki_dates_before_showa_and_before_meiji_never_raise(day, label):
    assert wareki_date(day) == label


@pytest.mark.parametrize(
    ("year", "ja", "en"),
    [
        (1925, "大正14年度", "FY1925 (Taisho 14)"),
        (1880, "明治13年度", "FY1880 (Meiji 13)"),
        (1700, "1700年度", "FY1700"),
        (0, "0年度", "FY0"),
    ],
)
def test_fiscal_year_labels_of_any_stored_year_never_raise(year, ja, en):
    assert fiscal_year_label(year) == ja
    with translation.override("en"):
        assert fiscal_year_label(year) == en
