"""Filters of the session list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from core.filters import StaticFilterSet, ValuesChoiceFilter
from core.fiscal import current_fiscal_year, fiscal_year_bounds, fiscal_year_label
from core.models import Facility
from core.renderers import FilterForm
from outreach.models import ClassSession, Course


def _fiscal_year_choices():
    this = current_fiscal_year()
    return [(year, fiscal_year_label(year)) for year in range(this + 1, this - 5, -1)]


class SessionFilter(StaticFilterSet):
    fiscal_year = django_filters.TypedChoiceFilter(
        label=_("Fiscal year"), choices=_fiscal_year_choices, coerce=int, method="in_fiscal_year"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ClassSession.Status.choices)
    # Options read as (id, name), not an object each: both models print as their name.
    course = ValuesChoiceFilter(
        label=_("Course"), queryset=Course.objects.all(), label_fields=("name",)
    )
    venue = ValuesChoiceFilter(
        label=_("Venue"), queryset=Facility.objects.filter(is_active=True), label_fields=("name",)
    )

    class Meta:
        form = FilterForm
        model = ClassSession
        fields = ["fiscal_year", "status", "course", "venue"]

    def in_fiscal_year(self, queryset, name, value):
        start, end = fiscal_year_bounds(int(value))
        return queryset.filter(Q(starts_at__gte=start) & Q(starts_at__lt=end))

    def chosen(self) -> dict:
        """What is chosen, as plain values (ids for the course and the venue), for the
        list's rows and counts in SQL (selectors.session_list_page, session_list_counts).
        A value that is not valid is left out, as ``qs`` leaves it out."""
        self.is_valid()  # cleans the form
        return {
            name: value.pk if name in ("course", "venue") else value
            for name, value in self.form.cleaned_data.items()
            if value not in EMPTY_VALUES
        }
