"""A paginator told its count: for a list whose rows come from a grouped query (counting
that query counts the groups in a subquery) while a plain count of the same rows is cheap."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """``Paginator`` with ``count`` given (``RequestConfig(paginate={"count": n, ...})``)."""

    def __init__(self, object_list, per_page, *args, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count
