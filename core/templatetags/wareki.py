"""Template filters for 和暦 and fiscal years (loaded as a builtin)."""

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
