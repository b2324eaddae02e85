"""Filters of the registry lists (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import StaticFilterSet, ValuesChoiceFilter
from core.fiscal import FIRST_YEAR, LAST_YEAR, fiscal_year_dates
from core.models import Facility
from core.renderers import FilterForm
from wifi.models import Machine, MonthlyUsage


class MachineFilter(StaticFilterSet):
    facility = ValuesChoiceFilter(
        queryset=Facility.objects.all(), label_fields=("name",), label=_("facility")
    )
    operator = django_filters.CharFilter(lookup_expr="icontains", label=_("operator"))

    class Meta:
        form = FilterForm
        model = Machine
        fields = ["status", "facility", "operator", "agreement_type", "power_backup"]


class UsageFilter(StaticFilterSet):
    machine = ValuesChoiceFilter(
        queryset=Machine.objects.all(),
        label_fields=("code", "facility__name", "spot"),  # as Machine.__str__
        label_format="{} {} {}",
        label=_("machine"),
    )
    fiscal_year = django_filters.NumberFilter(
        method="filter_fiscal_year",
        label=_("fiscal year (for example 2025)"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )

    class Meta:
        form = FilterForm
        model = MonthlyUsage
        fields = ["machine", "source", "fiscal_year"]

    def filter_fiscal_year(self, queryset, name, value):
        start, end = fiscal_year_dates(int(value))
        return queryset.filter(month__gte=start, month__lte=end)
