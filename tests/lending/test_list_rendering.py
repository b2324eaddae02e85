"""The staff lists: rows rendered in one pass (core.tables), one COUNT, cheap filters."""

import itertools
import re

import django_tables2 as tables
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import format_html
from django_tables2 import RequestConfig

from core.tables import table_body
from lending.filters import ItemFilter, OrganisationFilter, ReservationFilter
from lending.models import Organisation, Reservation
from lending.tables import ItemTable, OrganisationTable, ReservationTable
from tests.list_reference import TABLES2_BODY, assert_filters_work_as_django_filter_s_own

pytestmark = pytest.mark.django_db


def _normal(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).replace("<td >", "<td>").strip()


class EveryKindOfCellTable(tables.Table):
    """Links, choices, booleans, dates, empty values, render_ methods, computed attributes."""

    name = tables.LinkColumn("lending:organisation_detail", args=[tables.A("pk")])
    kind = tables.Column()
    district = tables.Column(default="（未設定）")
    is_verified = tables.BooleanColumn()
    created_at = tables.DateColumn(format="Y-m-d")
    representative_name = tables.Column(attrs={"td": {"class": "person"}})
    representative_phone = tables.Column(
        attrs={"td": {"data-kind": lambda record: record.kind}}, empty_values=()
    )
    pk = tables.Column(localize=False)
    note = tables.Column(empty_values=(), orderable=False)

    def render_representative_phone(self, record, value):
        return format_html("<b>{}</b>", value or "なし")

    def render_note(self, bound_row, table):
        return f"{bound_row.row_counter + 1}/{len(table.rows)} <&>"


def test_rows_read_the_same_as_django_tables2_renders_them(make_org):
    make_org("本納地区自治会", district="", representative_phone="")
    make_org("<script>豊田</script>", is_verified=False, representative_phone="0475-00-0000")
    make_org("一万人の会", kind=Organisation.Kind.CIVIC)
    request = RequestFactory().get("/")
    for table_class, queryset in [
        (EveryKindOfCellTable, Organisation.objects.all()),
        (OrganisationTable, Organisation.objects.all()),
        (ItemTable, []),  # the empty text
    ]:
        table = table_class(queryset)
        RequestConfig(request, paginate={"per_page": 2}).configure(table)
        expected = TABLES2_BODY.render({"table": table})
        table._counter = itertools.count()  # row numbers start again, as in Table.as_html
        assert _normal(table_body(table)) == _normal(expected)
    assert "&lt;script&gt;" in table_body(EveryKindOfCellTable(Organisation.objects.all()))


def test_staff_list_pages_count_once_and_render_the_rows(
    client_for, lending_staff, make_org, book, make_type, make_item, frozen
):
    from .conftest import TODAY

    projector = make_type()
    for _ in range(3):
        make_item(projector)
    for n in range(3):
        book(make_org(f"団体{n}"), {projector: 1}, TODAY, TODAY)
    browser = client_for(lending_staff)
    # Session, user and roles; one COUNT; the page of rows; the filter's choices (items: types).
    most = {"lending:item_list": 6, "lending:reservation_list": 5, "lending:organisation_list": 5}
    for name, limit in most.items():
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(reverse(name))
        assert response.status_code == 200
        counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
        assert len(counts) == 1, (name, counts)
        # Counted on the list's own table: the columns joined for the rows are not.
        assert "JOIN" not in counts[0], (name, counts)
        assert len(captured) <= limit, (name, len(captured))
    page = browser.get(reverse("lending:reservation_list")).content.decode()
    assert page.count('href="/lending/reservations/') >= 3


def test_reservation_list_filters_groups_by_a_search_field_not_a_list_of_every_group(
    client_for, lending_staff, make_org, book, make_type, make_item, frozen
):
    from .conftest import TODAY

    projector = make_type()
    make_item(projector)
    make_item(projector)
    book(make_org("本納地区自治会", name_kana="ホンノウ"), {projector: 1}, TODAY, TODAY)
    book(make_org("豊田地区自治会", name_kana="トヨダ"), {projector: 1}, TODAY, TODAY)
    browser = client_for(lending_staff)
    page = browser.get(reverse("lending:reservation_list")).content.decode()
    assert "<option" not in page.split('name="organisation"')[1].split(">")[0]
    assert 'type="text" name="organisation"' in page
    for query in ("本納", "ホンノウ"):
        table = browser.get(reverse("lending:reservation_list"), {"organisation": query}).context[
            "table"
        ]
        assert [r.organisation.name for r in table.data] == ["本納地区自治会"]


def test_reservation_list_is_newest_pickup_first_with_a_stable_tie_break():
    assert ReservationTable(Reservation.objects.none()).order_by == ("-pickup_date", "-id")
    indexed = {tuple(i.fields) for i in Reservation._meta.indexes}
    assert ("-pickup_date", "-id") in indexed


@pytest.mark.parametrize("filterset_class", [ItemFilter, ReservationFilter, OrganisationFilter])
@pytest.mark.parametrize(
    "query",
    ["", "q=<b>&status=available&equipment_type=1", "state=requested&state=provisional&kind=x"],
)
def test_list_filters_copied_shallowly_work_as_django_filter_s_own(
    filterset_class, query, make_type
):
    make_type()
    assert_filters_work_as_django_filter_s_own(filterset_class, query)


def test_lists_count_the_rows_they_show_when_filtered_and_sorted_by_a_joined_column(
    client_for, lending_staff, make_org, book, make_type, make_item, frozen
):
    from .conftest import TODAY

    projector = make_type()
    for _ in range(3):
        make_item(projector)
    for n in range(3):
        book(make_org(f"団体{n}"), {projector: 1}, TODAY, TODAY)
    browser = client_for(lending_staff)
    for name, query, rows in [
        ("lending:reservation_list", {"organisation": "団体1", "sort": "organisation"}, 1),
        ("lending:reservation_list", {"sort": "-organisation", "per_page": 2}, 3),
        ("lending:item_list", {"sort": "kit", "per_page": 2}, 3),
        ("lending:item_list", {"equipment_type": projector.pk, "sort": "equipment_type"}, 3),
    ]:
        table = browser.get(reverse(name), query).context["table"]
        assert table.paginator.count == rows, (name, query)
        assert table.paginator.count == table.data.data.count(), (name, query)
