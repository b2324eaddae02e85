"""Table data read one page at a time by plain SQL, for the lists whose row query cost more
to build through the ORM than to run (issue 18: the class and staffing lists).

django-tables2 sorts a queryset with ``order_by`` and takes the page with a slice; here the
same two steps reach a ``fetch(order, offset, limit)`` function of the list's selector,
which writes its SQL with the page's ``LIMIT``/``OFFSET``. The rows counted for the
paginator come from elsewhere (``count``), as with ``CountedPaginator``. Each list keeps
its ORM queryset for the CSV/XLSX export and for the tests that hold the SQL to it.
"""

from collections.abc import Callable, Sequence

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import DEFERRED, signals
from django.db.models.base import ModelState
from django.utils import timezone
from django_tables2.data import TableData
from django_tables2.utils import OrderBy

# fetch(order, offset, limit) → the records; ``order`` is a tuple of the table's sort
# accessors ("starts_at", "-course__sort_order"), ``limit`` None for every row.
Fetch = Callable[[tuple[str, ...], int, int | None], list]


class SqlRows(TableData):
    """The rows of a table, a page at a time, from ``fetch``; ``count`` of them in all.

    ``sortable``: the accessors ``fetch`` knows how to order by (a column's ``order_by``);
    sorting by anything else is a programming error, not a silent unordered page.
    ``first``: rows already read from offset 0 (a list that read its first page to learn
    whether it needs a count at all) are not read again.
    """

    def __init__(
        self,
        fetch: Fetch,
        *,
        count: int,
        sortable: Sequence[str] = (),
        first: list | None = None,
    ):
        super().__init__(data=None)
        self.fetch = fetch
        self.count = count
        self.sortable = frozenset(sortable)
        self.order: tuple[str, ...] = ()
        self.first = first

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return iter(self.fetch(self.order, 0, None))

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        start, stop, step = key.indices(self.count)
        if step != 1:
            raise ValueError("SqlRows reads contiguous pages only")
        limit = max(stop - start, 0)
        if self.first is not None and start == 0 and limit <= len(self.first):
            return self.first[:limit]
        return self.fetch(self.order, start, limit)

    def order_by(self, aliases) -> None:
        """As ``TableQuerysetData.order_by``: each alias (a column, maybe "-") becomes that
        column's ``order_by`` accessors, reversed when the alias says the other way."""
        accessors: list[str] = []
        for alias in aliases:
            bound_column = self.table.columns[OrderBy(alias).bare]
            if alias[0] != bound_column.order_by_alias[0]:
                accessors += bound_column.order_by.opposite
            else:
                accessors += bound_column.order_by
        order = tuple(str(accessor) for accessor in accessors)
        unknown = [a for a in order if a.lstrip("-") not in self.sortable]
        if unknown:
            raise ImproperlyConfigured(f"{type(self.table).__name__} cannot sort by {unknown}")
        if order != self.order:
            self.first = None
        self.order = order


def order_clause(order: tuple[str, ...], columns: dict[str, str], tie_break: str) -> str:
    """``ORDER BY`` of a ``fetch``: each accessor through ``columns`` (accessor → SQL, a
    constant of the selector, never user input), then ``tie_break`` so that a page never
    repeats or skips a row of equal sort values."""
    terms = []
    for accessor in order:
        descending = accessor.startswith("-")
        terms.append(f"{columns[accessor.lstrip('-')]} {'DESC' if descending else 'ASC'}")
    terms.append(tie_break)
    return "ORDER BY " + ", ".join(terms)


def aware(moment):
    """A date-time read by plain SQL, as the ORM would give it: SQLite hands raw SQL a naive
    UTC time (the ORM's converter makes it aware), PostgreSQL an aware one already."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment, connection.timezone)
    return moment


def model_rows(model, fields: Sequence[str], extra: Sequence[str], rows) -> list:
    """Instances of ``model`` from plain-SQL ``rows``, to show: the first ``len(fields)``
    values of a row are those concrete fields (by attname), the rest the attributes
    ``extra``, like annotations. Every other field is deferred, as with ``only()``.

    Values must be what the ORM would give: true of text, numbers and keys; date-times are
    made aware here (SQLite); anything needing a converter (JSON, decimals on SQLite) is
    not for this function. Each instance is made as unpickling makes one (``__new__`` and
    its ``__dict__``): ``Model.__init__`` per row was half the cost of a page of 50 (issue
    18). That skips the ``pre_init``/``post_init`` signals, so a model that has receivers
    goes through ``Model.from_db`` instead.
    """
    concrete = {field.attname: field for field in model._meta.concrete_fields}
    if len(set(fields)) != len(fields) or set(fields) - concrete.keys():
        raise ImproperlyConfigured(f"{fields} are not distinct fields of {model.__name__}")
    names = (*fields, *extra)
    datetimes = [
        i for i, name in enumerate(fields) if concrete[name].get_internal_type() == "DateTimeField"
    ]
    db, tz = connection.alias, connection.timezone
    plain = not (signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model))
    instances = []
    for row in rows:
        if datetimes:
            row = list(row)
            for i in datetimes:
                if row[i] is not None and row[i].tzinfo is None:  # aware(), inlined
                    row[i] = row[i].replace(tzinfo=tz)
        if plain:
            instance = model.__new__(model)
            state = instance._state = ModelState()
            state.adding, state.db = False, db
            instance.__dict__.update(zip(names, row, strict=True))
        else:
            instance = model.from_db(db, fields, _in_field_order(model, fields, row))
            instance.__dict__.update(zip(extra, row[len(fields) :], strict=True))
        instances.append(instance)
    return instances


def _in_field_order(model, fields: Sequence[str], row) -> list:
    """``row``'s field values in the order ``Model.from_db`` takes them, DEFERRED for the rest."""
    at = {name: i for i, name in enumerate(fields)}
    return [
        row[at[field.attname]] if field.attname in at else DEFERRED
        for field in model._meta.concrete_fields
    ]
