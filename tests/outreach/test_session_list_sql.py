"""The session list's page in plain SQL (selectors.session_list_page) shows what the ORM
queryset of the list (the one its export reads) shows: the same rows, in the table's order
for every sortable column both ways (then by id), every column, with each filter; and the
course and venue options read in one statement are the filters' own."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_tables2 import RequestConfig

from core.filters import give_options
from core.fiscal import current_fiscal_year, fiscal_year
from core.renderers import FilterForm
from outreach import selectors
from outreach.filters import SessionFilter
from outreach.models import Attendance, ClassSession
from outreach.services import attendance_add_walk_in
from outreach.tables import SessionTable
from tests.list_reference import assert_filters_work_as_django_filter_s_own

pytestmark = pytest.mark.django_db

COLUMNS = (
    "pk",
    "title",
    "starts_at",
    "ends_at",
    "capacity",
    "status",
    "confirmed_count",
    "course_name",
    "venue_name",
    "attended",
)
SORTS = [None] + [
    f"{sign}{name}"
    for name in ("starts_at", "title", "course", "venue", "status", "confirmed_count", "capacity")
    for sign in ("", "-")
]


@pytest.fixture
def sessions(make_session, make_course, make_facility, dx_staff):
    """Two years of sessions with many equal sort values, attendance taken on some."""
    courses = [make_course(sort_order=1), make_course(sort_order=1), make_course(sort_order=0)]
    venues = [make_facility(name_kana="あ"), make_facility(name_kana="あ"), make_facility()]
    now = timezone.now()
    made = []
    for n in range(14):
        starts_at = now - timedelta(days=400 if n % 5 == 0 else 1 + n % 3)
        session = make_session(
            starts_at=starts_at,
            course=courses[n % 3],
            venue=venues[n % 2 if n % 4 else 2],
            title=f"教室{n % 4}",
            capacity=10 + n % 2,
            confirmed_count=n % 3,
            status=[ClassSession.Status.HELD, ClassSession.Status.OPEN][n % 2],
        )
        made.append(session)
    for session in made[:4]:
        attendance_add_walk_in(session=session, by=dx_staff)
    Attendance.objects.filter(session=made[1]).update(status=Attendance.Status.ABSENT)
    return made, courses, venues


def _orm_rows(data: dict, sort: str | None) -> list:
    """The list's rows as the queryset gives them: filtered by SessionFilter, sorted as
    django-tables2 sorts it for ``sort``, then by id."""
    queryset = SessionFilter(data, queryset=selectors.session_list_queryset()).qs
    table = SessionTable(queryset)
    request = RequestFactory().get("/", {"sort": sort} if sort else {})
    RequestConfig(request, paginate=False).configure(table)
    ordered = table.data.data
    return list(ordered.order_by(*ordered.query.order_by, "id"))


def _columns(rows) -> list[tuple]:
    return [tuple(getattr(row, name) for name in COLUMNS) for row in rows]


def test_the_page_is_the_querysets_rows_for_every_filter_and_order(sessions):
    made, courses, venues = sessions
    this, last = current_fiscal_year(), fiscal_year(made[0].starts_at)
    choices = [
        {},
        {"fiscal_year": str(this)},
        {"fiscal_year": str(last), "status": "held"},
        {"course": str(courses[1].pk)},
        {"fiscal_year": str(this), "venue": str(venues[0].pk), "status": "open"},
        {"fiscal_year": "not a year", "course": "999999"},  # ignored, as the queryset does
    ]
    for data in choices:
        chosen = SessionFilter(data).chosen()
        for sort in SORTS:
            expected = _columns(_orm_rows(data, sort))
            order = _table_order(sort)
            assert _columns(selectors.session_list_page(chosen, order, 0, None)) == expected, (
                data,
                sort,
            )
            page = selectors.session_list_page(chosen, order, 3, 4)
            assert _columns(page) == expected[3:7], (data, sort)
    everything = _columns(selectors.session_list_page({}, ("starts_at",), 0, None))
    assert len(everything) == len(made)
    attended = {row[0]: row[-1] for row in everything}
    assert attended[made[0].pk] == 1 and attended[made[1].pk] == 0  # taken: 1 came, 0 came
    assert attended[made[5].pk] is None  # never taken


def _table_order(sort: str | None) -> tuple[str, ...]:
    """The accessors django-tables2 orders the queryset by for ``sort`` (what SqlRows gets)."""
    table = SessionTable(ClassSession.objects.all())
    request = RequestFactory().get("/", {"sort": sort} if sort else {})
    RequestConfig(request, paginate=False).configure(table)
    return tuple(table.data.data.query.order_by)


def test_every_page_and_order_of_the_list_shows_the_querysets_rows(
    sessions, make_session, client_for, dx_staff
):
    made, _courses, _venues = sessions
    for n in range(60):
        make_session(starts_at=timezone.now() - timedelta(days=2), title=f"追加{n % 7}")
    client = client_for(dx_staff)
    data = {"fiscal_year": str(current_fiscal_year())}
    for sort in (None, "title", "-course", "venue"):
        expected = [row.pk for row in _orm_rows(data, sort)]
        shown = []
        for page in (1, 2):
            query = {**data, "page": page, **({"sort": sort} if sort else {})}
            table = client.get(reverse("outreach:session_list"), query).context["table"]
            assert table.paginator.count == len(expected)
            shown += [row.record.pk for row in table.page.object_list]
        assert shown == expected, sort


def test_the_options_are_the_filters_own(sessions, make_course, make_facility):
    make_facility(is_active=False)
    courses, venues = selectors.session_list_options()
    form = SessionFilter({}).form
    assert courses == list(form.fields["course"].queryset.values_list("pk", "name"))
    assert venues == list(form.fields["venue"].queryset.values_list("pk", "name"))
    assert len(courses) >= 3 and len(venues) >= 3


@pytest.mark.parametrize("chosen", [False, True])
def test_the_filter_form_reads_the_same_with_the_options_given(sessions, chosen):
    _made, courses, venues = sessions
    data = {"course": str(courses[0].pk), "venue": str(venues[0].pk)} if chosen else {}
    plain = SessionFilter(data).form
    given = SessionFilter(data).form
    course_rows, venue_rows = selectors.session_list_options()
    give_options(given.fields["course"], course_rows)
    give_options(given.fields["venue"], venue_rows)
    assert isinstance(given, FilterForm)
    for name in ("course", "venue"):
        assert str(given[name]) == str(plain[name])
    if chosen:
        assert f'value="{courses[0].pk}" selected' in str(given["course"])


@pytest.mark.parametrize(
    "query",
    ["", "fiscal_year=2025&status=held", "course=999999&venue=x", "fiscal_year=not-a-year"],
)
def test_the_session_filter_works_as_django_filter_s_own(sessions, query):
    assert_filters_work_as_django_filter_s_own(SessionFilter, query)
