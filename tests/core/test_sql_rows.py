"""core.tables.sql_rows: table data read a page at a time by a list's own SQL."""

from datetime import UTC, datetime

import django_tables2 as tables
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import signals
from django.test import RequestFactory
from django_tables2 import RequestConfig

from core.models import Facility
from core.tables import CountedPaginator, SqlRows
from core.tables.sql_rows import model_rows, order_clause


class NumberTable(tables.Table):
    number = tables.Column()
    name = tables.Column(order_by=("name", "-number"))
    note = tables.Column(orderable=False)


RECORDS = [{"number": n, "name": f"n{n % 3}", "note": ""} for n in range(23)]


class Fetches(list):
    """A fetch that records each call and sorts the records as SQL would."""

    def __call__(self, order, offset, limit):
        self.append((order, offset, limit))
        rows = list(RECORDS)
        for accessor in reversed(order):
            name = accessor.lstrip("-")
            rows.sort(key=lambda r, name=name: r[name], reverse=accessor.startswith("-"))
        end = None if limit is None else offset + limit
        return rows[offset:end]


def _table(query: dict, fetch, **kwargs):
    table = NumberTable(SqlRows(fetch, count=len(RECORDS), sortable=("number", "name"), **kwargs))
    RequestConfig(
        RequestFactory().get("/", query),
        paginate={"per_page": 10, "paginator_class": CountedPaginator, "count": len(RECORDS)},
    ).configure(table)
    return table


def test_each_page_is_one_fetch_of_that_page_in_the_tables_order():
    fetch = Fetches()
    table = _table({"page": 3, "sort": "-number"}, fetch)
    assert [row.record["number"] for row in table.page.object_list] == [2, 1, 0]
    assert fetch == [(("-number",), 20, 3)]
    assert table.paginator.num_pages == 3


def test_a_column_sorts_by_its_own_order_by_and_the_other_way_round():
    fetch = Fetches()
    _table({"sort": "-name"}, fetch).page.object_list.data  # noqa: B018 - reads the page
    assert fetch[-1][0] == ("-name", "number")


def test_rows_read_already_are_not_read_again_unless_the_order_changed():
    first = Fetches()(("number",), 0, 11)
    fetch = Fetches()
    table = _table({}, fetch, first=first)
    assert [row.record["number"] for row in table.page.object_list] == list(range(10))
    assert fetch == []
    fetch = Fetches()
    table = _table({"sort": "-number"}, fetch, first=first)
    assert [row.record["number"] for row in table.page.object_list][0] == 22
    assert fetch == [(("-number",), 0, 10)]


def test_iterating_reads_every_row_and_an_unknown_order_is_refused():
    fetch = Fetches()
    data = SqlRows(fetch, count=len(RECORDS), sortable=("number",))
    NumberTable(data)
    assert len(list(data)) == len(RECORDS) and fetch[-1] == ((), 0, None)
    with pytest.raises(ImproperlyConfigured):
        NumberTable(SqlRows(fetch, count=1, sortable=("number",)), order_by=("name",))


def test_order_clause_names_the_columns_then_the_tie_break():
    columns = {"starts_at": "s.starts_at", "course__sort_order": "c.sort_order"}
    assert order_clause(("-starts_at", "course__sort_order"), columns, tie_break="s.id") == (
        "ORDER BY s.starts_at DESC, c.sort_order ASC, s.id"
    )
    with pytest.raises(KeyError):
        order_clause(("title",), columns, tie_break="s.id")


@pytest.mark.django_db
def test_model_rows_are_instances_with_only_those_fields():
    naive = datetime(2026, 4, 1, 3, 0)  # what SQLite hands raw SQL
    rows = [(7, "中央公民館", naive, "x")]
    (facility,) = model_rows(Facility, ("id", "name"), ("seen_at", "label"), rows)
    assert facility.pk == 7 and facility.name == "中央公民館" and facility.label == "x"
    assert facility.seen_at == naive  # an extra value is set as it came
    assert facility._state.adding is False and facility._state.db == "default"
    assert "address" in facility.get_deferred_fields()
    assert str(facility) == "中央公民館"
    with pytest.raises(ImproperlyConfigured):
        model_rows(Facility, ("id", "id"), (), [])
    with pytest.raises(ImproperlyConfigured):
        model_rows(Facility, ("id", "nonsense"), (), [])


@pytest.mark.django_db
def test_model_rows_make_date_times_aware_and_honour_init_signals():
    from outreach.models import ClassSession

    naive = datetime(2026, 4, 1, 3, 0)
    aware = datetime(2026, 4, 1, 3, 0, tzinfo=UTC)
    for moment in (naive, aware):
        (session,) = model_rows(ClassSession, ("id", "starts_at"), (), [(1, moment)])
        assert session.starts_at == aware
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    signals.post_init.connect(receiver, sender=Facility)
    try:
        (facility,) = model_rows(Facility, ("name", "id"), ("label",), [("東郷", 3, "x")])
    finally:
        signals.post_init.disconnect(receiver, sender=Facility)
    assert seen == [facility]  # made by Model.from_db, as the ORM makes it
    assert facility.pk == 3 and facility.name == "東郷" and facility.label == "x"
