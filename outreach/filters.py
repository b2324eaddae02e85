"""Filters of the session list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from core.fiscal import current_fiscal_year, fiscal_year_bounds, fiscal_year_label
from core.models import Facility
from core.renderers import FilterForm
from outreach.models import ClassSession, Course


def _fiscal_year_choices():
    this = current_fiscal_year()
    return [(year, fiscal_year_label(year)) for year in range(this + 1, this - 5, -1)]


class _NameChoices(ModelChoiceIterator):
    """The options of a course or venue choice read as (id, name) pairs, without an
    object per option: the same options, as the models' ``__str__`` is their name."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.queryset.values_list("pk", "name")


class _NameChoiceField(ModelChoiceField):
    iterator = _NameChoices


class _NameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _NameChoiceField


class SessionFilter(django_filters.FilterSet):
    fiscal_year = django_filters.TypedChoiceFilter(
        label=_("Fiscal year"), choices=_fiscal_year_choices, coerce=int, method="in_fiscal_year"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ClassSession.Status.choices)
    course = _NameChoiceFilter(label=_("Course"), queryset=Course.objects.only("name"))
    venue = _NameChoiceFilter(
        label=_("Venue"), queryset=Facility.objects.filter(is_active=True).only("name")
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
        list's count in SQL (selectors.session_list_counts); call after ``is_valid()``."""
        return {
            name: value.pk if name in ("course", "venue") else value
            for name, value in self.form.cleaned_data.items()
            if value not in EMPTY_VALUES
        }
