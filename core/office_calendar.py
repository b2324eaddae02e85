"""The city office calendar: open days exclude weekends, 国民の祝日 and 年末年始.

Holidays come from the maintained ``holidays`` package (it knows 振替休日 and
国民の休日); the 年末年始 closure comes from the city file in settings.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils.translation import gettext as _

MAX_SEARCH_DAYS = 30  # 年末年始 plus a long weekend is well under this


@lru_cache(maxsize=64)
def _japanese_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year, language="ja")


def _closure_bounds() -> tuple[tuple[int, int], tuple[int, int]]:
    calendar = settings.TSUNAGU["office_calendar"]
    start_month, start_day = (int(part) for part in calendar["year_end_closure_start"].split("-"))
    end_month, end_day = (int(part) for part in calendar["year_end_closure_end"].split("-"))
    return (start_month, start_day), (end_month, end_day)


def is_year_end_closure(day: date) -> bool:
    (start_month, start_day), (end_month, end_day) = _closure_bounds()
    key = (day.month, day.day)
    # The closure wraps the new year (12-29 .. 01-03).
    return key >= (start_month, start_day) or key <= (end_month, end_day)


def holiday_name(day: date) -> str | None:
    return _japanese_holidays(day.year).get(day)


def closed_reason(day: date) -> str | None:
    """Why the office is closed on ``day`` (in the active language), or None when open."""
    if day.weekday() == 5:
        return _("Saturday")
    if day.weekday() == 6:
        return _("Sunday")
    if name := holiday_name(day):
        return name
    if is_year_end_closure(day):
        return _("New Year holidays")
    return None


def is_open_day(day: date) -> bool:
    return closed_reason(day) is None


def next_open_day(day: date, *, include_today: bool = True) -> date:
    """The first open day on or after ``day`` (after it when ``include_today`` is False)."""
    candidate = day if include_today else day + timedelta(days=1)
    for _step in range(MAX_SEARCH_DAYS):
        if is_open_day(candidate):
            return candidate
        candidate += timedelta(days=1)
    raise RuntimeError(f"No open day within {MAX_SEARCH_DAYS} days of {day}")


def last_open_day_on_or_before(day: date) -> date:
    """The last open day on or before ``day`` (pickup before a weekend event)."""
    candidate = day
    for _step in range(MAX_SEARCH_DAYS):
        if is_open_day(candidate):
            return candidate
        candidate -= timedelta(days=1)
    raise RuntimeError(f"No open day within {MAX_SEARCH_DAYS} days before {day}")


def open_days_between(start: date, end: date) -> list[date]:
    """Open days from ``start`` to ``end``, both inclusive."""
    days = []
    day = start
    while day <= end:
        if is_open_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days
