"""Reads about classes: held sessions, attendance, the KPI figures and the analysis.

Counting rules:
- A session counts in the fiscal year of its start in Asia/Tokyo, once it is held.
- 延べ (attendances) = attendance rows marked attended, walk-ins included.
- 実人数 (people) = distinct people where known (keyed hash of normalised name +
  phone); a row without details (an anonymous walk-in) counts as one person.
No selector here returns names or phone numbers except ``follow_up_requests``
(for 総務課 staff pages only).
"""

from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.figures import Column, Figure, LazyRows
from core.fiscal import current_fiscal_year, fiscal_year_bounds
from core.tables.sql_rows import model_rows, order_clause
from outreach.models import AgeBand, Application, Attendance, ClassSession, Course

ATTENDED = Q(attendances__status=Attendance.Status.ATTENDED)
# core.pagecache key of the public class list: bumped by every write that changes it.
PUBLIC_CLASSES_CACHE = "outreach.public_classes"
# core.pagecache key of the class analysis (every year, audience and language): bumped
# by every write to the sessions, applications, courses and attendance it counts.
ANALYSIS_CACHE = "outreach.analysis"

SESSION_COLUMNS = (
    Column("date", gettext_lazy("Date")),
    Column("course", gettext_lazy("Course")),
    Column("venue", gettext_lazy("Venue")),
    Column("attended", gettext_lazy("Attendances"), is_people_count=True),
)
DIMENSIONS = ("course", "venue", "month", "weekday", "time_of_day", "age_band")
# The first column is headed by what the rows are (講座, 会場, 月…). A shared msgid like
# "Group" took lending's 団体; the context keeps these words to this table.
DIMENSION_HEADINGS = {
    "course": pgettext_lazy("class analysis column", "Course"),
    "venue": pgettext_lazy("class analysis column", "Venue"),
    "month": pgettext_lazy("class analysis column", "Month"),
    "weekday": pgettext_lazy("class analysis column", "Weekday"),
    "time_of_day": pgettext_lazy("class analysis column", "Time of day"),
    "age_band": pgettext_lazy("class analysis column", "Age"),
}


def breakdown_columns(dimension: str) -> tuple[Column, ...]:
    return (
        Column("label", DIMENSION_HEADINGS[dimension]),
        Column("attendances", gettext_lazy("Attendances (延べ)"), is_people_count=True),
        Column("people", gettext_lazy("People (実人数)"), is_people_count=True),
    )


WEEKDAY_LABELS = ("月", "火", "水", "木", "金", "土", "日")


def held_sessions(
    fiscal_year: int, *, audience: str | None = None, category: str | None = None
) -> QuerySet[ClassSession]:
    """Sessions held in the fiscal year (by start in JST), with their attended count."""
    start, end = fiscal_year_bounds(fiscal_year)
    sessions = ClassSession.objects.filter(
        status=ClassSession.Status.HELD, starts_at__gte=start, starts_at__lt=end
    )
    if audience:
        sessions = sessions.filter(course__audience=audience)
    if category:
        sessions = sessions.filter(course__category=category)
    return (
        sessions.select_related("course", "venue")
        .annotate(attended=Count("attendances", filter=ATTENDED))
        .order_by("starts_at", "id")
    )


def _session_rows(sessions: QuerySet[ClassSession]) -> list[dict]:
    return [
        {
            "session_id": s.pk,
            "date": timezone.localtime(s.starts_at).date(),
            "starts_at": s.starts_at,
            "course": s.course.name,
            "title": s.title,
            "venue": s.venue.name,
            "capacity": s.capacity,
            "attended": s.attended,
        }
        for s in sessions
    ]


@dataclass(frozen=True)
class Totals:
    attendances: int
    people: int


def attended_in_year(
    fiscal_year: int, *, audience: str, category: str | None = None
) -> QuerySet[Attendance]:
    """Attendance rows marked attended at sessions held in the fiscal year (by start, JST)."""
    start, end = fiscal_year_bounds(fiscal_year)
    rows = Attendance.objects.filter(
        status=Attendance.Status.ATTENDED,
        session__status=ClassSession.Status.HELD,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
        session__course__audience=audience,
    )
    if category:
        rows = rows.filter(session__course__category=category)
    return rows


# 実人数 of attendance rows: distinct known people, plus one per row without details
# (a walk-in counted by number). The one rule for totals and for every breakdown:
# ``_people`` counts it the same way in Python for the analysis (the tests compare them).
PEOPLE = Count("person_key", distinct=True, filter=~Q(person_key="")) + Count(
    "pk", filter=Q(person_key="")
)


def attendances_and_people(rows: QuerySet[Attendance]) -> Totals:
    """延べ and 実人数 of attendance rows in one SQL aggregate."""
    counts = rows.aggregate(attendances=Count("pk"), people=PEOPLE)
    return Totals(attendances=counts["attendances"], people=counts["people"])


def _attendance_figure(
    fiscal_year: int, *, audience: str, category: str | None, explanation: str
) -> Figure:
    """The value and 実人数 from one aggregate; the session rows only for the drill-down."""
    totals = attendances_and_people(
        attended_in_year(fiscal_year, audience=audience, category=category)
    )
    return Figure(
        value=totals.attendances,
        people=totals.people,
        rows=LazyRows(
            lambda: _session_rows(held_sessions(fiscal_year, audience=audience, category=category))
        ),
        columns=SESSION_COLUMNS,
        explanation=explanation,
    )


def kpi_resident_class_participants(fiscal_year: int) -> Figure:
    """デジタル活用講習会の参加人数: attendances (延べ, walk-ins included) at resident classes
    held in the fiscal year, with 実人数 beside; one row per session, no personal data."""
    return _attendance_figure(
        fiscal_year,
        audience=Course.Audience.RESIDENTS,
        category=None,
        explanation=_(
            "Attendances at classes for residents held in the fiscal year, walk-ins included "
            "(a person who came twice counts twice)."
        ),
    )


def kpi_staff_security_training_attendees(fiscal_year: int) -> Figure:
    """情報セキュリティ研修の延べ受講者数 for the fiscal year; one row per session."""
    return _attendance_figure(
        fiscal_year,
        audience=Course.Audience.STAFF,
        category=Course.Category.SECURITY_TRAINING,
        explanation=_(
            "Attendances at information security training for city staff held in the fiscal year."
        ),
    )


# --- The analysis page -------------------------------------------------------------


# The analysis reads the year twice (issue 18): the held sessions with what they are
# grouped by (course, venue, and month, weekday and time of day worked out once per
# session in Asia/Tokyo), and four plain columns of the attended rows (session, age
# band, person key, the survey's answer). The totals, every breakdown and the
# nobody-to-ask share are counted from these in one pass: six GROUP BYs with a
# COUNT(DISTINCT) each cost more than fetching a year's rows (a few thousand) once,
# and the year bounds them, not the history. No model instances, no time zone or
# translation per row.
MORNING, AFTERNOON, EVENING = 0, 1, 2
TIME_OF_DAY_LABELS = {
    MORNING: gettext_lazy("Morning"),
    AFTERNOON: gettext_lazy("Afternoon"),
    EVENING: gettext_lazy("Evening"),
}
DIMENSION_TITLES = {
    "course": gettext_lazy("By course"),
    "venue": gettext_lazy("By venue"),
    "month": gettext_lazy("By month"),
    "weekday": gettext_lazy("By weekday"),
    "time_of_day": gettext_lazy("By time of day"),
    "age_band": gettext_lazy("By age"),
}
AGE_BAND_ORDER = list(AgeBand.values)
# What a session is grouped by (the order of the tuples ``class_analysis`` builds).
SESSION_DIMENSIONS = ("course", "venue", "month", "weekday", "time_of_day")


def _held(fiscal_year: int, audience: str) -> Q:
    start, end = fiscal_year_bounds(fiscal_year)
    return Q(
        status=ClassSession.Status.HELD,
        starts_at__gte=start,
        starts_at__lt=end,
        course__audience=audience,
    )


def _time_of_day(hour: int) -> int:
    if hour < 12:
        return MORNING
    if hour < 17:
        return AFTERNOON
    return EVENING


def _people(keys: list[str]) -> int:
    """``PEOPLE`` counted in Python: distinct known people, plus one per row without
    details (an empty key)."""
    known = set(keys)
    known.discard("")
    return len(known) + keys.count("")


def _order_and_label(dimension: str, group) -> tuple[object, str]:
    """Where a group of ``dimension`` sorts, and how its row is labelled."""
    if dimension == "course":  # (sort order, code, name)
        return group, group[2]
    if dimension == "venue":  # (name in kana, name)
        return group, group[1]
    if dimension == "month":  # fiscal order: April first
        return (group - 4) % 12, _("Month %(month)s") % {"month": group}
    if dimension == "weekday":
        return group, WEEKDAY_LABELS[group]
    if dimension == "time_of_day":
        return group, str(TIME_OF_DAY_LABELS[group])
    if dimension == "age_band":
        return AGE_BAND_ORDER.index(group), str(AgeBand(group).label)
    raise ValueError(f"Unknown dimension {dimension}")


def _breakdown(dimension: str, groups: dict[object, list[str]]) -> Figure:
    labelled = sorted(
        (_order_and_label(dimension, group) + (keys,) for group, keys in groups.items()),
        key=lambda row: row[0],
    )
    table = [
        {"label": label, "attendances": len(keys), "people": _people(keys)}
        for _order, label, keys in labelled
    ]
    return Figure(
        value=sum(row["attendances"] for row in table),
        rows=table,
        columns=breakdown_columns(dimension),
        explanation=str(DIMENSION_TITLES[dimension]),
    )


@dataclass(frozen=True)
class NobodyToAsk:
    answered: int
    nobody: int

    @property
    def share(self) -> float | None:
        return self.nobody / self.answered if self.answered else None


@dataclass(frozen=True)
class ClassAnalysis:
    totals: Totals
    breakdowns: dict[str, Figure]
    nobody: NobodyToAsk


def class_analysis(*, fiscal_year: int, audience: str = Course.Audience.RESIDENTS) -> ClassAnalysis:
    """The year's totals, every breakdown of DIMENSIONS and the nobody-to-ask share:
    two queries, whatever the number of years, sessions or rows."""
    held = ClassSession.objects.filter(_held(fiscal_year, audience)).values_list(
        "pk",
        "starts_at",
        "course__sort_order",
        "course__code",
        "course__name",
        "venue__name_kana",
        "venue__name",
    )
    sessions = {}
    for pk, starts_at, sort_order, code, course, kana, venue in held:
        local = timezone.localtime(starts_at)
        sessions[pk] = (
            (sort_order, code, course),
            (kana, venue),
            local.month,
            local.weekday(),
            _time_of_day(local.hour),
        )
    rows = (
        attended_in_year(fiscal_year, audience=audience)
        .order_by()
        .values_list("session_id", "age_band", "person_key", "has_someone_to_ask")
    )
    by_session: dict[int, list[str]] = {}  # the person keys of the attended rows
    by_age_band: dict[str, list[str]] = {}
    answered = nobody = 0
    for session_id, age_band, person_key, has_someone_to_ask in rows:
        if session_id not in sessions:
            continue  # held after the sessions were read: as if read before it
        by_session.setdefault(session_id, []).append(person_key)
        by_age_band.setdefault(age_band, []).append(person_key)
        if has_someone_to_ask is not None:
            answered += 1
            nobody += not has_someone_to_ask
    groups: dict[str, dict[object, list[str]]] = {dimension: {} for dimension in DIMENSIONS}
    groups["age_band"] = by_age_band
    everyone: list[str] = []
    for session_id, people in by_session.items():
        for dimension, group in zip(SESSION_DIMENSIONS, sessions[session_id], strict=True):
            groups[dimension].setdefault(group, []).extend(people)
        everyone.extend(people)
    return ClassAnalysis(
        totals=Totals(attendances=len(everyone), people=_people(everyone)),
        breakdowns={
            dimension: _breakdown(dimension, groups[dimension]) for dimension in DIMENSIONS
        },
        nobody=NobodyToAsk(answered=answered, nobody=nobody),
    )


def class_breakdowns(
    *, fiscal_year: int, audience: str = Course.Audience.RESIDENTS
) -> dict[str, Figure]:
    """Every breakdown of DIMENSIONS (see ``class_analysis``)."""
    return class_analysis(fiscal_year=fiscal_year, audience=audience).breakdowns


def attendance_totals(*, fiscal_year: int, audience: str = Course.Audience.RESIDENTS) -> Totals:
    return attendances_and_people(attended_in_year(fiscal_year, audience=audience))


# The analysis shows the sessions that filled worst; the full list is the session list.
FILL_RATE_ROWS = 20


@dataclass(frozen=True)
class FillRates:
    lowest: list[ClassSession]
    sessions: int
    capacity: int
    registered: int

    @property
    def rate(self) -> float | None:
        return self.registered / self.capacity if self.capacity else None


def session_fill_rates(
    *, fiscal_year: int, audience: str = Course.Audience.RESIDENTS, limit: int = FILL_RATE_ROWS
) -> FillRates:
    """Sessions of the fiscal year (not cancelled): totals for the year, and the ``limit``
    sessions with the lowest fill rate ``confirmed_count / capacity`` with ``attended``."""
    start, end = fiscal_year_bounds(fiscal_year)
    sessions = ClassSession.objects.filter(
        starts_at__gte=start, starts_at__lt=end, course__audience=audience
    ).exclude(status=ClassSession.Status.CANCELLED)
    totals = sessions.aggregate(
        sessions=Count("pk"), capacity=Sum("capacity"), registered=Sum("confirmed_count")
    )
    fill = Cast("confirmed_count", FloatField()) / NullIf("capacity", 0)
    lowest = list(
        sessions.select_related("venue")  # the table shows the venue, not the course
        .annotate(
            fill=fill,
            attended=Subquery(
                Attendance.objects.filter(session=OuterRef("pk"), status=Attendance.Status.ATTENDED)
                .order_by()
                .values("session")
                .annotate(n=Count("pk"))
                .values("n")
            ),
        )
        .order_by(F("fill").asc(nulls_last=True), "starts_at", "id")[:limit]
    )
    return FillRates(
        lowest=lowest,
        sessions=totals["sessions"],
        capacity=totals["capacity"] or 0,
        registered=totals["registered"] or 0,
    )


def nobody_to_ask_share(
    *, fiscal_year: int, audience: str = Course.Audience.RESIDENTS
) -> NobodyToAsk:
    """Of the attendances that answered 「困ったときに相談できる人がいますか」, how many said no."""
    start, end = fiscal_year_bounds(fiscal_year)
    counts = Attendance.objects.filter(
        status=Attendance.Status.ATTENDED,
        session__status=ClassSession.Status.HELD,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
        session__course__audience=audience,
        has_someone_to_ask__isnull=False,
    ).aggregate(answered=Count("pk"), nobody=Count("pk", filter=Q(has_someone_to_ask=False)))
    return NobodyToAsk(answered=counts["answered"], nobody=counts["nobody"])


def follow_up_requests(*, fiscal_year: int) -> QuerySet[Attendance]:
    """People who asked for a follow-up (personal data: staff pages only), with their
    session and application (the list shows the date, the class title, name and phone).

    Read on every request of the analysis (never cached): the session's course and venue
    are not joined, as the list does not show them."""
    start, end = fiscal_year_bounds(fiscal_year)
    return (
        Attendance.objects.filter(
            wants_follow_up=True,
            anonymised_at__isnull=True,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .select_related("session", "application")
        .order_by("session__starts_at", "id")
    )


# --- Sessions for other apps and public pages --------------------------------------


def upcoming_sessions(
    *,
    now: datetime | None = None,
    until: datetime | None = None,
    public_only: bool = True,
    limit: int | None = None,
) -> QuerySet[ClassSession]:
    """Sessions starting from ``now``, soonest first, with course and venue loaded.

    ``public_only`` (default): resident classes that are open or full, as on the
    public pages. Otherwise every session that is not cancelled (staff, volunteers)."""
    sessions = ClassSession.objects.upcoming(now)
    if public_only:
        sessions = sessions.open_to_public()
    else:
        sessions = sessions.exclude(status=ClassSession.Status.CANCELLED)
    if until is not None:
        sessions = sessions.filter(starts_at__lt=until)
    sessions = sessions.select_related("course", "venue").order_by("starts_at", "id")
    return sessions[:limit] if limit else sessions


def sessions_held_without_attendance(*, fiscal_year: int | None = None) -> QuerySet[ClassSession]:
    """Held sessions of the fiscal year (default: this one) with no attendance recorded:
    flagged for 総務課. Bounded to one year, so the check does not grow with the years.
    The session list counts them in SQL (``_HELD_WITHOUT_ATTENDANCE``)."""
    start, end = fiscal_year_bounds(fiscal_year or current_fiscal_year())
    return (
        ClassSession.objects.filter(
            status=ClassSession.Status.HELD, starts_at__gte=start, starts_at__lt=end
        )
        .filter(~Exists(Attendance.objects.filter(session=OuterRef("pk"))))
        .select_related("course", "venue")
        .order_by("starts_at", "id")
    )


# The session list's filters as SQL (outreach.filters.SessionFilter: plain equalities but
# the fiscal year, whose bounds come as two parameters).
_SESSION_LIST_FILTERS = {
    "status": "s.status = %s",
    "course": "s.course_id = %s",
    "venue": "s.venue_id = %s",
}
_HELD_WITHOUT_ATTENDANCE = (
    "s.status = %s AND s.starts_at >= %s AND s.starts_at < %s AND NOT EXISTS "
    "(SELECT 1 FROM outreach_attendance a WHERE a.session_id = s.id)"
)


def session_list_counts(chosen: dict, *, fiscal_year: int | None) -> tuple[int, int]:
    """The session list's two counts in one statement: the sessions that its filter
    ``chosen`` (plain values: ``fiscal_year`` and the ids of ``_SESSION_LIST_FILTERS``)
    selects, and those ``sessions_held_without_attendance(fiscal_year=…)`` flags.

    Plain SQL: compiling the two through the ORM cost the page more than running them
    (issue 18). Only rows that one of the two counts are read.
    """
    shown_sql, shown_params = _session_list_where(chosen)
    flagged_params = [
        ClassSession.Status.HELD.value,
        *_datetimes(fiscal_year_bounds(fiscal_year or current_fiscal_year())),
    ]
    sql = (
        f"SELECT COUNT(CASE WHEN {shown_sql} THEN 1 END), "  # noqa: S608 - constants
        f"COUNT(CASE WHEN {_HELD_WITHOUT_ATTENDANCE} THEN 1 END) "
        f"FROM outreach_classsession s WHERE ({shown_sql}) OR ({_HELD_WITHOUT_ATTENDANCE})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, shown_params + flagged_params + shown_params + flagged_params)
        count, flagged = cursor.fetchone()
    return count, flagged


def _session_list_where(chosen: dict) -> tuple[str, list]:
    """The WHERE of the session list's filter ``chosen`` (see session_list_counts)."""
    shown, params = [], []
    for name, value in chosen.items():
        if name == "fiscal_year":
            shown.append("s.starts_at >= %s AND s.starts_at < %s")
            params += _datetimes(fiscal_year_bounds(value))
        else:
            shown.append(_SESSION_LIST_FILTERS[name])
            params.append(value)
    return " AND ".join(shown) or "1 = 1", params


# The session list's rows in plain SQL (issue 18: the ORM took longer to build the
# statement than the database to run it). What the view's queryset selects, held to it by
# tests/outreach/test_session_list_sql.py: the table's columns, course and venue names,
# and how many attended (NULL when attendance was never taken).
SESSION_LIST_FIELDS = (
    "id",
    "title",
    "starts_at",
    "ends_at",
    "capacity",
    "status",
    "confirmed_count",
)
# Each sortable column's ``order_by`` of outreach.tables.SessionTable, as SQL.
SESSION_LIST_ORDER = {
    "starts_at": "s.starts_at",
    "title": "s.title",
    "course__sort_order": "c.sort_order",
    "venue__name_kana": "f.name_kana",
    "status": "s.status",
    "confirmed_count": "s.confirmed_count",
    "capacity": "s.capacity",
}
# How many attended a session (what the attendance sheet calls 出席); NULL when attendance
# was never taken (no row to sum), which flags a held class. ``{session}``: the session
# table's name or alias in the statement around it.
_ATTENDED = (
    "SELECT SUM(CASE WHEN a.status = %s THEN 1 ELSE 0 END) FROM outreach_attendance a "
    "WHERE a.session_id = {session}.id"
)
_SESSION_LIST_SQL = (
    "SELECT s.id, s.title, s.starts_at, s.ends_at, s.capacity, s.status, s.confirmed_count, "  # noqa: S608 - constants
    f"c.name, f.name, ({_ATTENDED.format(session='s')}) "
    "FROM outreach_classsession s "
    "JOIN outreach_course c ON c.id = s.course_id "
    "JOIN core_facility f ON f.id = s.venue_id "
    "WHERE {where} {order} LIMIT %s OFFSET %s"
)


def session_list_queryset() -> QuerySet[ClassSession]:
    """The session list as a queryset: what its CSV/XLSX export reads (through SessionFilter),
    and what ``session_list_page`` reads in SQL for the page."""
    return (
        ClassSession.objects.only(
            "title", "starts_at", "ends_at", "status", "confirmed_count", "capacity"
        )
        .annotate(course_name=F("course__name"), venue_name=F("venue__name"))
        .annotate(
            attended=RawSQL(  # noqa: S611 - a constant
                _ATTENDED.format(session="outreach_classsession"),
                [Attendance.Status.ATTENDED.value],
            )
        )
    )


def session_list_page(
    chosen: dict, order: tuple[str, ...], offset: int, limit: int | None
) -> list[ClassSession]:
    """The session list's rows that the filter ``chosen`` selects (as session_list_counts),
    sorted by the table's ``order`` (then by id), ``limit`` of them (None: all) from
    ``offset``: ClassSessions with ``course_name``, ``venue_name`` and ``attended``."""
    where, params = _session_list_where(chosen)
    order_sql = order_clause(order, SESSION_LIST_ORDER, tie_break="s.id")
    if limit is None:
        limit = -1 if connection.vendor == "sqlite" else None  # no limit
    sql = _SESSION_LIST_SQL.format(where=where, order=order_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Attendance.Status.ATTENDED.value, *params, limit, offset])
        rows = cursor.fetchall()
    return model_rows(
        ClassSession, SESSION_LIST_FIELDS, ("course_name", "venue_name", "attended"), rows
    )


# The options of the session list's course and venue filters in one statement: what
# SessionFilter's querysets give (every course in its Meta order, the active venues in
# theirs), held to them by tests/outreach/test_session_list_sql.py.
_SESSION_LIST_OPTIONS_SQL = """
SELECT 0, id, name, ROW_NUMBER() OVER (ORDER BY sort_order, code, id) FROM outreach_course
UNION ALL
SELECT 1, id, name, ROW_NUMBER() OVER (ORDER BY name_kana, id) FROM core_facility
WHERE is_active
ORDER BY 1, 4
"""


def session_list_options() -> tuple[list[tuple], list[tuple]]:
    """(courses, venues) for the session list's filter: (id, name) rows of each."""
    lists: tuple[list, list] = ([], [])
    with connection.cursor() as cursor:
        cursor.execute(_SESSION_LIST_OPTIONS_SQL)
        for which, pk, name, _position in cursor.fetchall():
            lists[which].append((pk, name))
    return lists


def _datetimes(bounds: tuple[datetime, datetime]) -> list:
    return [connection.ops.adapt_datetimefield_value(moment) for moment in bounds]


# The address of a resident's confirmation page carries a signed application id, not the
# id itself: it can be reloaded and bookmarked, and nobody can walk the ids to read
# others' reference numbers.
def application_token(application: Application, purpose: str) -> str:
    return signing.dumps(application.pk, salt=f"outreach.{purpose}")


def application_by_token(token: str, purpose: str) -> Application | None:
    """The application a confirmation address names; None when forged or anonymised."""
    try:
        pk = signing.loads(token, salt=f"outreach.{purpose}")
    except signing.BadSignature:
        return None
    return (
        Application.objects.select_related("session", "session__course", "session__venue")
        .filter(pk=pk, anonymised_at__isnull=True)
        .first()
    )
