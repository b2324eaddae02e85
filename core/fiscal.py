"""Fiscal years (年度, 1 April – 31 March in Asia/Tokyo) and 和暦 labels.

Every year label in Tsunagu comes from here, so 令和元年度 is never 令和1年度.
"""

from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone, translation

# (first day of the era, name in Japanese, name in English); newest first.
ERAS: list[tuple[date, str, str]] = [
    (date(2019, 5, 1), "令和", "Reiwa"),
    (date(1989, 1, 8), "平成", "Heisei"),
    (date(1926, 12, 25), "昭和", "Showa"),
    (date(1912, 7, 30), "大正", "Taisho"),
    # Japan counted days by the Gregorian calendar from 1873 (明治6年); earlier days were
    # lunar dates, so a Gregorian day before that has no honest 和暦 and is shown in 西暦.
    (date(1873, 1, 1), "明治", "Meiji"),
]
MEIJI_FIRST_YEAR = 1868

# The years Tsunagu deals in. Days typed into forms stay within them (core.forms.DayField)
# and fiscal years in URLs and query strings too (FiscalYearConverter, FiscalYearField),
# so ``date(year + 1, 3, 31)`` and month arithmetic can never leave Python's range.
FIRST_YEAR = 1900
LAST_YEAR = 2099


class FiscalYearConverter:
    """``<fy:fiscal_year>`` in a URL: four digits within FIRST_YEAR … LAST_YEAR, else 404."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(value)  # the pattern does not match: 404
        return year

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


def to_local_date(value: date | datetime) -> date:
    """A day in Japan: aware datetimes are converted to Asia/Tokyo first."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()
    return value


def fiscal_year(value: date | datetime) -> int:
    """The fiscal year a day belongs to, named by its starting calendar year (FY2025 = 令和7年度)."""
    day = to_local_date(value)
    return day.year if day.month >= 4 else day.year - 1


def current_fiscal_year() -> int:
    return fiscal_year(timezone.localdate())


def fiscal_year_dates(year: int) -> tuple[date, date]:
    """First and last day of fiscal year ``year`` (both inclusive)."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def fiscal_year_bounds(year: int) -> tuple[datetime, datetime]:
    """Aware [start, end) datetimes of fiscal year ``year`` in local time, for DateTimeField filters."""
    tz = timezone.get_default_timezone()
    start = datetime.combine(date(year, 4, 1), time.min, tzinfo=tz)
    end = datetime.combine(date(year + 1, 4, 1), time.min, tzinfo=tz)
    return start, end


def fiscal_year_end(year: int) -> date:
    return fiscal_year_dates(year)[1]


def _first_year(start: date, name_en: str) -> int:
    return MEIJI_FIRST_YEAR if name_en == "Meiji" else start.year


def _era_for_year(year: int) -> tuple[str, str, int] | None:
    """None before the Gregorian 明治: the label falls back to 西暦 (never an error)."""
    # A fiscal year takes the era of its calendar year: FY2019 is 令和元年度 even
    # though 令和 began on 1 May 2019 (the custom of municipal documents).
    for start, name_ja, name_en in ERAS:
        if year >= start.year:
            return name_ja, name_en, year - _first_year(start, name_en) + 1
    return None


def _era_for_date(day: date) -> tuple[str, str, int] | None:
    for start, name_ja, name_en in ERAS:
        if day >= start:
            return name_ja, name_en, day.year - _first_year(start, name_en) + 1
    return None


def _number(n: int) -> str:
    return "元" if n == 1 else str(n)


def wareki_fiscal_year_label(year: int) -> str:
    """令和7年度 for 2025, 令和元年度 for 2019, 平成30年度 for 2018; 1800年度 before 明治."""
    era = _era_for_year(year)
    if era is None:
        return f"{year}年度"
    name, _, n = era
    return f"{name}{_number(n)}年度"


def fiscal_year_label(year: int) -> str:
    """The label in the active language: 令和7年度 in Japanese, FY2025 (Reiwa 7) in English."""
    if (translation.get_language() or "ja").startswith("ja"):
        return wareki_fiscal_year_label(year)
    era = _era_for_year(year)
    if era is None:
        return f"FY{year}"
    _, era_en, n = era
    return f"FY{year} ({era_en} {n})"


def wareki_date(day: date | datetime) -> str:
    """令和8年11月29日; 2019-04-30 is 平成31年4月30日, 2019-05-01 is 令和元年5月1日."""
    local = to_local_date(day)
    era = _era_for_date(local)
    if era is None:
        return f"{local.year}年{local.month}月{local.day}日"
    name, _, n = era
    return f"{name}{_number(n)}年{local.month}月{local.day}日"


JA_WEEKDAYS = "月火水木金土日"


def _japanese() -> bool:
    return (translation.get_language() or "ja").startswith("ja")


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def long_date(value: date | datetime) -> str:
    """A day in running text: 令和8年12月8日（火） in Japanese, Tuesday 8 December 2026 in English.

    One of the two date styles of every page (the other is ``short_date``); the weekday
    always comes in the page's language, never 令和8年12月8日（Tue）.
    """
    local = to_local_date(value)
    if _japanese():
        return f"{wareki_date(local)}（{JA_WEEKDAYS[local.weekday()]}）"
    return formats.date_format(local, "l j F Y")


def short_date(value: date | datetime) -> str:
    """A day in a table cell: 2026/12/08（火） in Japanese, Tue 8 Dec 2026 in English.

    The same as Django's SHORT_DATE_FORMAT (``config/formats``), so django-tables2
    date columns and this filter agree.
    """
    return formats.date_format(to_local_date(value), "SHORT_DATE_FORMAT")


def long_datetime(value: datetime) -> str:
    """令和8年12月8日（火）14:00 / Tuesday 8 December 2026, 14:00."""
    local = _local(value)
    separator = "" if _japanese() else ", "
    return f"{long_date(local)}{separator}{local:%H:%M}"


def short_datetime(value: datetime) -> str:
    """2026/12/08（火）14:00 / Tue 8 Dec 2026 14:00 (SHORT_DATETIME_FORMAT)."""
    return formats.date_format(_local(value), "SHORT_DATETIME_FORMAT")


def month_label(value: date | datetime) -> str:
    """A month in text: 令和7年7月 in Japanese, July 2025 in English."""
    local = to_local_date(value)
    if _japanese():
        era, _, n = _era_for_date(local)
        return f"{era}{_number(n)}年{local.month}月"
    return formats.date_format(local, "F Y")


def fiscal_year_months(year: int) -> list[date]:
    """The first day of each month of the fiscal year, April first."""
    months = []
    day = date(year, 4, 1)
    for _ in range(12):
        months.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months
