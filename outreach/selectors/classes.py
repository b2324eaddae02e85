"""Reads about classes: held sessions, attendance, the KPI figures and the analysis.

Counting rules:
- A session counts in the fiscal year of its start in Asia/Tokyo, once it is held.
- 延べ (attendances) = attendance rows marked attended, walk-ins included.
- 実人数 (people) = distinct people where known (keyed hash of normalised name +
  phone); a row without details (an anonymous walk-in) counts as one person.
No selector here returns names or phone numbers except ``follow_up_requests``
(for 総務課 staff pages only).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.figures import Column, Figure
from core.fiscal import fiscal_year_bounds
from outreach.models import AgeBand, Application, Attendance, ClassSession, Course

ATTENDED = Q(attendances__status=Attendance.Status.ATTENDED)

SESSION_COLUMNS = (
    Column("date", gettext_lazy("Date")),
    Column("course", gettext_lazy("Course")),
    Column("venue", gettext_lazy("Venue")),
    Column("attended", gettext_lazy("Attendances"), is_people_count=True),
)
BREAKDOWN_COLUMNS = (
    Column("label", gettext_lazy("Group")),
    Column("attendances", gettext_lazy("Attendances (延べ)"), is_people_count=True),
    Column("people", gettext_lazy("People (実人数)"), is_people_count=True),
)
DIMENSIONS = ("course", "venue", "month", "weekday", "time_of_day", "age_band")
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


def kpi_resident_class_participants(fiscal_year: int) -> Figure:
    """デジタル活用講習会の参加人数: attendances (延べ, walk-ins included) at resident classes
    held in the fiscal year; one row per session, no personal data."""
    rows = _session_rows(held_sessions(fiscal_year, audience=Course.Audience.RESIDENTS))
    return Figure(
        value=sum(row["attended"] for row in rows),
        rows=rows,
        columns=SESSION_COLUMNS,
        explanation=_(
            "Attendances at classes for residents held in the fiscal year, walk-ins included "
            "(a person who came twice counts twice)."
        ),
    )


def kpi_staff_security_training_attendees(fiscal_year: int) -> Figure:
    """情報セキュリティ研修の延べ受講者数 for the fiscal year; one row per session."""
    rows = _session_rows(
        held_sessions(
            fiscal_year,
            audience=Course.Audience.STAFF,
            category=Course.Category.SECURITY_TRAINING,
        )
    )
    return Figure(
        value=sum(row["attended"] for row in rows),
        rows=rows,
        columns=SESSION_COLUMNS,
        explanation=_(
            "Attendances at information security training for city staff held in the fiscal year."
        ),
    )


# --- Breakdowns for the analysis page ---------------------------------------------


def _time_of_day(local: datetime) -> tuple[int, str]:
    if local.hour < 12:
        return 0, _("Morning")
    if local.hour < 17:
        return 1, _("Afternoon")
    return 2, _("Evening")


def _attended_rows(fiscal_year: int, audience: str) -> list[dict]:
    start, end = fiscal_year_bounds(fiscal_year)
    return list(
        Attendance.objects.filter(
            status=Attendance.Status.ATTENDED,
            session__status=ClassSession.Status.HELD,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
            session__course__audience=audience,
        ).values(
            "pk",
            "person_key",
            "age_band",
            "session__starts_at",
            "session__course__sort_order",
            "session__course__code",
            "session__course__name",
            "session__venue__name_kana",
            "session__venue__name",
        )
    )


def _group(row: dict, dimension: str) -> tuple[object, str]:
    """(sort key, label) of one attendance row in one dimension."""
    local = timezone.localtime(row["session__starts_at"])
    if dimension == "course":
        return (row["session__course__sort_order"], row["session__course__code"]), row[
            "session__course__name"
        ]
    if dimension == "venue":
        return row["session__venue__name_kana"], row["session__venue__name"]
    if dimension == "month":
        # Fiscal order: April first.
        return ((local.month - 4) % 12,), _("Month %(month)s") % {"month": local.month}
    if dimension == "weekday":
        return local.weekday(), WEEKDAY_LABELS[local.weekday()]
    if dimension == "time_of_day":
        return _time_of_day(local)
    if dimension == "age_band":
        order = list(AgeBand.values)
        return order.index(row["age_band"]), str(AgeBand(row["age_band"]).label)
    raise ValueError(f"Unknown dimension {dimension}")


def _people(rows: Iterable[dict]) -> int:
    keys = set()
    unknown = 0
    for row in rows:
        if row["person_key"]:
            keys.add(row["person_key"])
        else:
            unknown += 1
    return len(keys) + unknown


DIMENSION_TITLES = {
    "course": gettext_lazy("By course"),
    "venue": gettext_lazy("By venue"),
    "month": gettext_lazy("By month"),
    "weekday": gettext_lazy("By weekday"),
    "time_of_day": gettext_lazy("By time of day"),
    "age_band": gettext_lazy("By age"),
}


def _breakdown(rows: list[dict], dimension: str) -> Figure:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[_group(row, dimension)].append(row)
    table = [
        {"label": label, "attendances": len(members), "people": _people(members)}
        for (_key, label), members in sorted(groups.items(), key=lambda item: item[0][0])
    ]
    return Figure(
        value=len(rows),
        rows=table,
        columns=BREAKDOWN_COLUMNS,
        explanation=str(DIMENSION_TITLES[dimension]),
    )


def class_breakdowns(
    *, fiscal_year: int, audience: str = Course.Audience.RESIDENTS
) -> dict[str, Figure]:
    """Every breakdown of DIMENSIONS at once (one query)."""
    rows = _attended_rows(fiscal_year, audience)
    return {dimension: _breakdown(rows, dimension) for dimension in DIMENSIONS}


@dataclass(frozen=True)
class Totals:
    attendances: int
    people: int


def attendance_totals(*, fiscal_year: int, audience: str = Course.Audience.RESIDENTS) -> Totals:
    rows = _attended_rows(fiscal_year, audience)
    return Totals(attendances=len(rows), people=_people(rows))


def session_fill_rates(
    *, fiscal_year: int, audience: str = Course.Audience.RESIDENTS
) -> QuerySet[ClassSession]:
    """Sessions of the fiscal year (not cancelled) with ``attended``; the page shows the
    fill rate ``confirmed_count / capacity``."""
    start, end = fiscal_year_bounds(fiscal_year)
    return (
        ClassSession.objects.filter(
            starts_at__gte=start, starts_at__lt=end, course__audience=audience
        )
        .exclude(status=ClassSession.Status.CANCELLED)
        .select_related("course", "venue")
        .annotate(attended=Count("attendances", filter=ATTENDED))
        .order_by("starts_at", "id")
    )


@dataclass(frozen=True)
class NobodyToAsk:
    answered: int
    nobody: int

    @property
    def share(self) -> float | None:
        return self.nobody / self.answered if self.answered else None


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
    """People who asked for a follow-up (personal data: staff pages only)."""
    start, end = fiscal_year_bounds(fiscal_year)
    return (
        Attendance.objects.filter(
            wants_follow_up=True,
            anonymised_at__isnull=True,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .select_related("session", "session__course", "session__venue", "application")
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


def sessions_held_without_attendance() -> QuerySet[ClassSession]:
    """Held sessions with no attendance recorded: flagged for 総務課."""
    return (
        ClassSession.objects.filter(status=ClassSession.Status.HELD)
        .annotate(rows=Count("attendances"))
        .filter(rows=0)
        .select_related("course", "venue")
    )


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
