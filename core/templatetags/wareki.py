"""Template filters for dates, 和暦 and fiscal years (loaded as a builtin).

Every page writes a day in one of two styles, from ``core.fiscal``:
``long_date`` / ``long_datetime`` in running text and facts (令和8年12月8日（火）) and
``short_date`` / ``short_datetime`` in table cells (2026/12/08（火）); both follow the
page's language. Times alone stay ``|date:"H:i"``.
"""

from datetime import date, datetime

from django import template

from core import fiscal

register = template.Library()


@register.filter
def fiscal_year_label(year: int) -> str:
    """{{ 2025|fiscal_year_label }} → 令和7年度 (FY2025 (Reiwa 7) in English)."""
    return fiscal.fiscal_year_label(int(year))


@register.filter
def wareki(value: date | datetime | None) -> str:
    """{{ some_date|wareki }} → 令和8年11月29日."""
    return fiscal.wareki_date(value) if value else ""


@register.filter
def fiscal_year_of(value: date | datetime | None) -> int | str:
    return fiscal.fiscal_year(value) if value else ""


@register.filter
def long_date(value: date | datetime | None) -> str:
    """{{ day|long_date }} → 令和8年12月8日（火） (Tuesday 8 December 2026 in English)."""
    return fiscal.long_date(value) if value else ""


@register.filter
def short_date(value: date | datetime | None) -> str:
    """{{ day|short_date }} → 2026/12/08（火） (Tue 8 Dec 2026 in English), for tables."""
    return fiscal.short_date(value) if value else ""


@register.filter
def long_datetime(value: datetime | None) -> str:
    """{{ moment|long_datetime }} → 令和8年12月8日（火）14:00."""
    if not value:
        return ""
    return fiscal.long_datetime(value) if isinstance(value, datetime) else fiscal.long_date(value)


@register.filter
def short_datetime(value: datetime | None) -> str:
    """{{ moment|short_datetime }} → 2026/12/08（火）14:00, for tables."""
    if not value:
        return ""
    return fiscal.short_datetime(value) if isinstance(value, datetime) else fiscal.short_date(value)
