"""Paginators of the lists that count their rows another way than ``COUNT(*)`` of the rows query."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CountOfPaginator(Paginator):
    """Paginates the table's rows; counts ``count_of`` instead.

    A list whose rows join another table for a column (``F("organisation__name")``) keeps
    that join in ``COUNT(*)`` as well, which then costs as much as the rows and grows with
    the list (issue 18). ``count_of`` is the same filtered queryset without those
    annotations: the same number, counted on the list's own table.
    """

    def __init__(self, object_list, per_page, *args, count_of, **kwargs):
        self.count_of = count_of
        super().__init__(object_list, per_page, *args, **kwargs)

    @cached_property
    def count(self) -> int:
        return self.count_of.count()


class CountedPaginator(Paginator):
    """``Paginator`` told its count (``RequestConfig(paginate={"count": n, ...})``): for a list
    that counts its rows in a statement of its own (the class list with its warning) or
    whose rows come from a grouped query (counting that would count its groups)."""

    def __init__(self, object_list, per_page, *args, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count
