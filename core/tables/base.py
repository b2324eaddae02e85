"""The base class of every table of ours: django-tables2's ``Table``, its columns copied
one by one for each table instead of deep-copied.

tables2 deep-copies a table class's columns for every table it makes, so that a table
may change its own (``table.columns.hide(name)``, a column's accessor filled in) without
touching the class. The deep copy follows every attribute of every column (verbose names,
attribute dicts, link settings): 80 % of making a table, a quarter of a millisecond on
every list page (issue 18). A shallow copy of each column gives the same independence for
what tables2 and we change on a table's columns (their own attributes); what they refer
to (attribute dicts, accessors, labels) tables2 only reads and builds new values from.
``tests/core/test_table_base.py`` holds that.
"""

import copy

import django_tables2 as tables


class _ColumnsCopiedOneByOne(dict):
    """A table class's ``base_columns``; tables2's per-table ``deepcopy`` copies each column."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(column) for name, column in self.items()}


class Table(tables.Table):
    """Every list's table (see the module's note)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # DeclarativeColumnsMetaclass has set base_columns before this runs; a subclass of
        # a subclass starts again from its parent's columns, wrapped here again.
        cls.base_columns = _ColumnsCopiedOneByOne(cls.base_columns)
