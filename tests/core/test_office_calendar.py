from datetime import date

import pytest
from django.test import override_settings

from core.office_calendar import closed_reason, is_open_day, next_open_day, open_days_between


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 12),  # 成人の日
        date(2025, 5, 6),  # 振替休日 (5/4 was a Sunday)
        date(2026, 9, 22),  # 国民の休日 between 敬老の日 and 秋分の日
        date(2026, 11, 3),  # 文化の日
        date(2026, 12, 29),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 3),
        date(2026, 11, 28),  # Saturday
        date(2026, 11, 29),  # Sunday
    ],
)
def test_office_is_closed_on_weekends_holidays_and_new_year(day):
    assert not is_open_day(day)
    assert closed_reason(day)


@pytest.mark.parametrize(
    "day", [date(2026, 12, 28), date(2027, 1, 4), date(2026, 11, 30), date(2026, 9, 24)]
)
def test_office_is_open_on_ordinary_weekdays(day):
    assert is_open_day(day)
    assert closed_reason(day) is None


def test_closed_reason_names_the_holiday_in_japanese():
    assert closed_reason(date(2026, 11, 3)) == "文化の日"
    assert closed_reason(date(2026, 12, 30)) == "年末年始"
    assert closed_reason(date(2026, 11, 28)) == "土曜日"


def test_next_open_day_skips_the_whole_new_year_closure():
    assert next_open_day(date(2026, 12, 29)) == date(2027, 1, 4)
    assert next_open_day(date(2026, 12, 28)) == date(2026, 12, 28)
    assert next_open_day(date(2026, 12, 28), include_today=False) == date(2027, 1, 4)


def test_next_open_day_skips_a_holiday_weekend():
    # Sat 2026-11-21, Sun 22, Mon 23 勤労感謝の日 → Tue 24.
    assert next_open_day(date(2026, 11, 21)) == date(2026, 11, 24)


def test_open_days_between_counts_only_open_days():
    assert open_days_between(date(2026, 12, 25), date(2027, 1, 5)) == [
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 4),
        date(2027, 1, 5),
    ]


def test_year_end_closure_comes_from_the_city_settings(settings):
    city = {
        **settings.TSUNAGU,
        "office_calendar": {"year_end_closure_start": "12-28", "year_end_closure_end": "01-04"},
    }
    with override_settings(TSUNAGU=city):
        assert not is_open_day(date(2026, 12, 28))
        assert not is_open_day(date(2027, 1, 4))
        assert is_open_day(date(2027, 1, 5))
