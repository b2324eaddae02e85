"""The registry lists' filters, copied shallowly per request (core.filters.StaticFilterSet)."""

import django_filters
import pytest
from django.http import QueryDict

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

    class Own(filterset_class):
        """The same filters, copied and turned into a form as django-filter does."""

        __init__ = django_filters.FilterSet.__init__
        get_form_class = django_filters.FilterSet.get_form_class

    data = QueryDict(query)
    ours, theirs = filterset_class(data), Own(data)
    assert ours.form.as_div() == theirs.form.as_div()
    assert ours.form.is_valid() == theirs.form.is_valid()
    assert str(ours.qs.query) == str(theirs.qs.query)
    other = filterset_class(QueryDict())
    for name, filter_ in other.filters.items():
        assert filter_ is not ours.filters[name]
        assert filter_.parent is other
    assert not set(map(id, other.form.fields.values())) & set(map(id, ours.form.fields.values()))
