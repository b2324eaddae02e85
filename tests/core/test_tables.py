"""core.tables writes the rows of every table of the project as django-tables2 does (issue 18).

``table_body`` takes a fast path per column (attributes read with ``attrgetter``, choice
labels from a dict, dates and links worked out once); these tests hold it to tables2's
own rendering, on the demo data, for every ``Table`` class of our apps, so that the fast
path can never drift from it.
"""

import importlib
import importlib.util
import itertools
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import django_tables2 as tables
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django_tables2 import RequestConfig

from core.fiscal import short_date, short_datetime
from core.roles import Role
from core.tables import LocalDateFormat, record_url, table_body
from lending.models import Organisation, Reservation
from lending.tables import MyReservationTable
from tests.list_reference import TABLES2_BODY

pytestmark = pytest.mark.django_db


# What tsunagu.html was: django-tables2's table.html extended with our blocks, the header
# cells and the page numbers written by template loops. It now writes those two in
# Python (core.tables) and must say exactly the same.
EXTENDED_TABLE_HTML = engines["django"].from_string(
    '{% extends "django_tables2/table.html" %}{% load django_tables2 i18n tables %}'
    "{% block table-wrapper %}"
    '<div class="table-scroll" role="region" aria-label="{% if table.caption %}'
    '{{ table.caption }}{% else %}{% translate \'Table\' %}{% endif %}" tabindex="0">'
    "{{ block.super }}</div>{% endblock %}"
    "{% block table.thead %}\n{% if table.show_header %}\n"
    "<thead {{ table.attrs.thead.as_html }}>\n  <tr>\n  {% for column in table.columns %}"
    '\n    <th scope="col" {{ column.attrs.th.as_html }}>\n      {% if column.orderable %}'
    '<a href="{% querystring_replace table.prefixed_order_by_field=column.order_by_alias.next %}">'
    "{{ column.header }}</a>{% else %}{{ column.header }}{% endif %}\n    </th>\n  {% endfor %}"
    "\n  </tr>\n</thead>\n{% endif %}\n{% endblock table.thead %}"
    "{% block table.tbody %}<tbody {{ table.attrs.tbody.as_html }}>\n"
    "{% table_body table %}</tbody>{% endblock table.tbody %}"
    '{% block pagination.previous %}<li class="previous"><a href="'
    '{% querystring_replace table.prefixed_page_field=table.page.previous_page_number %}">'
    '{% translate "Previous page" %}</a></li>{% endblock %}'
    '{% block pagination.next %}<li class="next"><a href="'
    '{% querystring_replace table.prefixed_page_field=table.page.next_page_number %}">'
    '{% translate "Next page" %}</a></li>{% endblock %}'
)


def _whole_tables(table, request) -> tuple[str, str]:
    ours = get_template(settings.DJANGO_TABLES2_TEMPLATE)
    table._counter = itertools.count()
    theirs = EXTENDED_TABLE_HTML.render({"table": table}, request)
    table._counter = itertools.count()
    return ours.render({"table": table}, request), theirs


# The page that shows each table, and who may open it.
PAGES = {
    "lending.tables.ItemTable": ("lending:item_list", Role.LENDING_STAFF),
    "lending.tables.ReservationTable": ("lending:reservation_list", Role.LENDING_STAFF),
    "lending.tables.OrganisationTable": ("lending:organisation_list", Role.LENDING_STAFF),
    "outreach.tables.SessionTable": ("outreach:session_list", Role.DX_STAFF),
    "outreach.tables.StaffingTable": ("outreach:staffing_list", Role.DX_STAFF),
    "outreach.tables.HoursTable": ("outreach:volunteer_hours", Role.DX_STAFF),
    "volunteers.tables.RosterTable": ("volunteers:roster", Role.DX_STAFF),
    "wifi.tables.MachineTable": ("wifi:machine_list", Role.DX_STAFF),
    "wifi.tables.UsageTable": ("wifi:usage_list", Role.DX_STAFF),
}
# Built here, not from a page (a group representative's own reservations).
BUILT = {"lending.tables.MyReservationTable"}


def _normal(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).replace("<td >", "<td>").strip()


def _tables2_body(table) -> str:
    table._counter = itertools.count()  # row numbers start again, as in Table.as_html
    return _normal(TABLES2_BODY.render({"table": table}))


def _our_body(table) -> str:
    table._counter = itertools.count()
    return _normal(table_body(table))


def _project_tables() -> set[str]:
    found = set()
    for app in settings.TSUNAGU_APPS:
        name = f"{app}.tables"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, tables.Table)
                and value.__module__ == name
            ):
                found.add(f"{name}.{value.__name__}")
    return found


def test_every_table_of_the_project_is_compared():
    assert _project_tables() == set(PAGES) | BUILT


@pytest.fixture
def demo(settings, mid_year_clock):
    """The demo data in the middle of a fiscal year (early in April this year's lists are
    still nearly empty, and every list here must show rows)."""
    settings.DEBUG = True  # seed_demo refuses to run without it
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_list_page_writes_its_rows_as_django_tables2_does(
    demo, make_user, client_for, language
):
    browsers = {
        role: client_for(make_user(role, full_name=f"{role} 職員"))
        for role in {role for _, role in PAGES.values()}
    }
    with translation.override(language):
        for path, (url_name, role) in PAGES.items():
            response = browsers[role].get(reverse(url_name), HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, path
            table = response.context["table"]
            assert f"{type(table).__module__}.{type(table).__name__}" == path
            assert len(list(table.paginated_rows)) > 0, f"{path}: the demo shows no rows"
            assert _our_body(table) == _tables2_body(table), path
            # Sorted by each column (another page of rows, and the same cells).
            for column in table.columns:
                if not column.orderable:
                    continue
                query = {"sort": f"-{column.name}", "page": "2", "q": "<&>"}
                response = browsers[role].get(reverse(url_name), query)
                sorted_table = response.context["table"]
                assert _our_body(sorted_table) == _tables2_body(sorted_table), (path, column)
                ours, theirs = _whole_tables(sorted_table, response.wsgi_request)
                assert ours == theirs, (path, column)


def test_my_reservations_table_writes_its_rows_as_django_tables2_does(demo):
    table = MyReservationTable(Reservation.objects.select_related("organisation"))
    RequestConfig(RequestFactory().get("/"), paginate={"per_page": 30}).configure(table)
    assert len(list(table.paginated_rows)) > 0
    assert _our_body(table) == _tables2_body(table)


class UnusualCellsTable(tables.Table):
    """What the fast path hands to the general path, and what it keeps."""

    name = tables.Column(linkify=("lending:organisation_detail", {"pk": tables.A("pk")}))
    # A link whose key is not a number, and a link with attributes of its own.
    name_kana = tables.Column(
        linkify=("lending:organisation_detail", {"pk": tables.A("name_kana")}),
        attrs={"a": {"class": "quiet", "data-x": "<&>"}},
    )
    kind = tables.Column(attrs={"td": {"class": "kind"}}, localize=False)
    created = tables.DateColumn(accessor="created_at", format="Y-m-d H:i", default="（なし）")
    verified_on = tables.DateColumn(accessor="representative_name", default="（なし）")
    missing = tables.Column(accessor="no_such_attribute", default="—")
    through_none = tables.Column(accessor="no_such_relation__name")
    is_active = tables.BooleanColumn(yesno="はい,いいえ", attrs={"span": {"class": "yn"}})
    upper = tables.Column(accessor="name__upper")  # a callable: tables2 calls it
    pk = tables.Column()
    template = tables.TemplateColumn("<i>{{ record.name }}</i> {{ value }}", accessor="pk")

    class Meta:
        row_attrs = {"class": "r", "data-kind": lambda record: record.kind}


def _org(name: str, name_kana: str, **extra) -> Organisation:
    fields = {"kind": Organisation.Kind.NEIGHBOURHOOD, "representative_name": "代表", **extra}
    return Organisation.objects.create(name=name, name_kana=name_kana, **fields)


def test_unusual_cells_read_the_same_as_django_tables2_renders_them():
    _org("本納地区自治会", "34")
    _org("<b>豊田</b>", "12", is_active=False)
    records = list(Organisation.objects.order_by("pk"))
    records[1].kind = "unknown"  # a value that is not one of the choices: shown as it is
    table = UnusualCellsTable(records)
    RequestConfig(RequestFactory().get("/")).configure(table)
    assert _our_body(table) == _tables2_body(table)
    # Without callable row attributes the two row openings are worked out once.
    UnusualCellsTable._meta.row_attrs = {"class": "r"}
    try:
        table = UnusualCellsTable(Organisation.objects.all())
        assert _our_body(table) == _tables2_body(table)
    finally:
        UnusualCellsTable._meta.row_attrs = {"class": "r", "data-kind": lambda record: record.kind}


def test_the_whole_table_reads_as_table_html_extended_with_our_blocks():
    """Header, rows, and the page links (with … on both sides of a middle page)."""
    for n in range(14):
        _org(f"団体{n}", f"{n}")
    for query in ("", "?page=7&q=%3C%26%3E&sort=-name", "?page=14"):
        request = RequestFactory().get(f"/{query}")
        table = UnusualCellsTable(Organisation.objects.all())
        RequestConfig(request, paginate={"per_page": 1}).configure(table)
        ours, theirs = _whole_tables(table, request)
        assert ours == theirs, query
        assert 'href="#"' in ours or query == ""


def test_rows_that_are_not_model_instances_take_the_general_path():
    class Plain(tables.Table):
        name = tables.Column()
        day = tables.DateColumn()

    rows = [{"name": "<a>", "day": date(2026, 4, 1)}, {"name": None, "day": None}]
    table = Plain(rows)
    assert _our_body(table) == _tables2_body(table)


def test_record_url_is_reverse():
    for pk in (0, 1, 9, 10, 12345, 2**40):
        assert record_url("lending:item_detail", pk) == reverse("lending:item_detail", args=[pk])
        assert record_url("wifi:machine_detail", pk, "pk") == reverse(
            "wifi:machine_detail", kwargs={"pk": pk}
        )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_local_date_format_is_django_date_format(language):
    tokyo = ZoneInfo("Asia/Tokyo")
    values = [
        datetime(2026, 3, 31, 23, 59, tzinfo=tokyo),
        datetime(2026, 3, 31, 15, 0, tzinfo=ZoneInfo("UTC")),  # 00:00 on 1 April in Tokyo
        datetime(2026, 4, 1, 0, 0, tzinfo=tokyo),
        datetime(2026, 12, 8, 9, 5, 7, tzinfo=tokyo),
        datetime(2026, 12, 8, 14, 0),  # naive
    ]
    with translation.override(language):
        for name in ("SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT"):
            formatted = LocalDateFormat(name)
            for value in values * 2:  # the second time from what it remembered
                local = formatted.local(value)
                assert formatted(value) == date_format(local, name), (name, value)
        days, times = LocalDateFormat("SHORT_DATE_FORMAT"), LocalDateFormat("SHORT_DATETIME_FORMAT")
        for value in values:
            assert days(value.date()) == short_date(value.date())
            assert times(value) == short_datetime(value)
        # Escaped letters, a time zone (formatted each time), a time on a date (refused).
        literal = LocalDateFormat(r"\Y\e\a\r: Y, \a\t H:i T")
        assert literal(values[0]) == date_format(values[0], r"\Y\e\a\r: Y, \a\t H:i T")
        with pytest.raises(TypeError):
            LocalDateFormat("H:i")(date(2026, 4, 1))
