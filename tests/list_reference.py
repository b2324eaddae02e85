"""What our fast list machinery is held to: django-tables2's and django-filter's own behaviour.

Shared by the list tests of every app (core.tables, core.filters.StaticFilterSet), so that
each compares against one reference instead of its own copy of it.
"""

import django_filters
from django.http import QueryDict
from django.template import engines

# django-tables2's own <tbody> (its table.html), the reference for what a row must say.
TABLES2_BODY = engines["django"].from_string(
    "{% load l10n %}{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>"
    "{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }}>"
    "{% if column.localize == None %}{{ cell }}{% else %}{% if column.localize %}"
    "{{ cell|localize }}{% else %}{{ cell|unlocalize }}{% endif %}{% endif %}</td>"
    "{% endfor %}</tr>{% empty %}{% if table.empty_text %}"
    '<tr><td colspan="{{ table.columns|length }}">{{ table.empty_text }}</td></tr>'
    "{% endif %}{% endfor %}"
)


def assert_filters_work_as_django_filter_s_own(filterset_class, query: str) -> None:
    """A StaticFilterSet gives the form, validation and SQL that django-filter's own copying
    gives, and keeps nothing of one request (filters, their ``extra``, form fields) for the next."""

    class Own(filterset_class):
        """The same filters, copied and turned into a form as django-filter does."""

        __init__ = django_filters.FilterSet.__init__
        get_form_class = django_filters.FilterSet.get_form_class

    data = QueryDict(query)
    ours, theirs = filterset_class(data), Own(data)
    assert ours.form.as_div() == theirs.form.as_div()
    assert ours.form.is_valid() == theirs.form.is_valid()
    assert str(ours.qs.query) == str(theirs.qs.query)
    other = filterset_class(QueryDict("q=other"))
    for name, filter_ in other.filters.items():
        assert filter_ is not ours.filters[name]
        assert filter_.extra is not ours.filters[name].extra
        assert filter_.parent is other
    assert other.form is not ours.form
    assert not set(map(id, other.form.fields.values())) & set(map(id, ours.form.fields.values()))
