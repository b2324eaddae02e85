"""core.tables.Table: each table gets its own columns, copied one by one, as tables2's
deep copy gave it; every table of the project is one (so that none is left deep-copying)."""

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.utils.module_loading import import_string
from django_tables2 import RequestConfig

from core.tables import Table
from tests.core.test_tables import _project_tables


class Plain(Table):
    name = tables.Column(attrs={"td": {"class": "name"}})
    note = tables.Column(verbose_name="Note")


def test_a_table_changes_its_own_columns_and_never_the_class_s():
    first, second = Plain([{"name": "a", "note": "b"}]), Plain([])
    first.columns.hide("note")
    assert not first.columns["note"].visible
    assert second.columns["note"].visible and Plain([]).columns["note"].visible
    assert first.columns["note"].column is not Plain.base_columns["note"]
    assert first.columns["note"].column is not second.columns["note"].column
    # What tables2 fills in on a table's column stays on that table's copy.
    assert Plain.base_columns["note"].accessor is None
    assert str(first.columns["note"].accessor) == "note"
    # The attributes are read, never changed: both tables write the same cell attributes.
    assert first.columns["name"].attrs["td"] == {"class": "name"}
    assert Plain.base_columns["name"].attrs == {"td": {"class": "name"}}


def test_a_subclass_keeps_its_parent_s_columns_and_copies_them_too():
    class More(Plain):
        extra = tables.Column()

    table = More([])
    assert list(table.columns.names()) == ["name", "note", "extra"]
    assert table.columns["name"].column is not Plain.base_columns["name"]
    table.columns.hide("name")
    assert Plain([]).columns["name"].visible


@pytest.mark.django_db
def test_every_table_of_the_project_copies_its_columns_one_by_one():
    found = [import_string(name) for name in _project_tables()]
    assert len(found) >= 9
    for table_class in found:
        assert issubclass(table_class, Table), table_class
        table = table_class([])
        RequestConfig(RequestFactory().get("/"), paginate=False).configure(table)
        for bound in table.columns:
            assert bound.column is not table_class.base_columns[bound.name], table_class
