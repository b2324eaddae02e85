"""The registry lists' filters, copied shallowly per request (core.filters.StaticFilterSet)."""

import django_filters
import pytest
from django.http import QueryDict

from tests.list_reference import assert_filters_work_as_django_filter_s_own
from wifi.filters import MachineFilter, UsageFilter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filterset_class", [MachineFilter, UsageFilter])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=operating&operator=<b>&power_backup=true",
        "fiscal_year=2025&source=csv",
        "machine=x",
    ],
)
def test_registry_filters_work_as_django_filter_s_own(filterset_class, query, make_machine):
    make_machine()
    assert_filters_work_as_django_filter_s_own(filterset_class, query)


@pytest.mark.parametrize(
    ("filterset_class", "name"), [(MachineFilter, "facility"), (UsageFilter, "machine")]
)
@pytest.mark.parametrize("value", ["", "1", "99999", "x"])
def test_choices_read_as_values_are_those_of_a_model_choice_filter(
    filterset_class, name, value, make_machine, make_facility
):
    make_facility('<公民館 "A" & B>')
    make_machine(spot="<入口> & 2F")
    make_machine()

    class Own(filterset_class):
        """The same list with django-filter's ModelChoiceFilter: one instance per option."""

    base = filterset_class.base_filters[name]
    Own.base_filters = {
        **filterset_class.base_filters,
        name: django_filters.ModelChoiceFilter(
            queryset=base.queryset, label=base.label, field_name=base.field_name
        ),
    }
    data = QueryDict(f"{name}={value}")
    ours, theirs = filterset_class(data), Own(data)
    assert str(ours.form[name]) == str(theirs.form[name])
    assert ours.form.errors == theirs.form.errors
    assert str(ours.qs.query) == str(theirs.qs.query)
