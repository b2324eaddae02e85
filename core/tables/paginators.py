"""A paginator that counts a list's rows without the columns only its shown rows need."""

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
