"""Reads about volunteer sign-ups: classes needing help, the staffing rule, hours.

The staffing rule (総務省 デジタル活用支援推進事業, REFERENCE.md): "at least one
trained 講師 per session, plus one 講師 or assistant for every 4 participants".
As implemented:

- participants = registered (confirmed) participants of the session;
- helpers needed = ceil(participants / 4);
- the first confirmed 講師 leads the class and does NOT count as a helper; every
  further confirmed volunteer, 講師 or 補助, counts as one helper;
- so a class needs 1 + ceil(participants / 4) volunteers, at least one a 講師:
  0 participants → 1 (the 講師), 4 → 2, 5 → 3, 9 → 4.

Every confirmed 講師 is trained: signing up as 講師 requires a completed training
(``outreach.services.signups.signup_create``) and training records are never deleted.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.utils import timezone

from core.fiscal import fiscal_year, fiscal_year_bounds
from core.tables.sql_rows import model_rows
from outreach.models import CalendarFeed, ClassSession, Course, CourseSkill, VolunteerSignup
from volunteers import selectors as volunteer_selectors
from volunteers.models import VolunteerProfile

PARTICIPANTS_PER_HELPER = 4


@dataclass(frozen=True)
class Staffing:
    """Whether a class meets the national staffing rule, and what it still lacks."""

    participants: int
    instructors: int  # confirmed 講師 (all trained)
    assistants: int  # confirmed 補助

    @property
    def helpers_needed(self) -> int:
        return math.ceil(self.participants / PARTICIPANTS_PER_HELPER)

    @property
    def helpers(self) -> int:
        lead = 1 if self.instructors else 0
        return self.instructors + self.assistants - lead

    @property
    def instructors_missing(self) -> int:
        return 0 if self.instructors else 1

    @property
    def helpers_missing(self) -> int:
        return max(0, self.helpers_needed - self.helpers)

    @property
    def more_needed(self) -> int:
        return self.instructors_missing + self.helpers_missing

    @property
    def volunteers_needed(self) -> int:
        return 1 + self.helpers_needed

    @property
    def is_staffed(self) -> bool:
        return self.more_needed == 0


def staffing_of(session: ClassSession) -> Staffing:
    """Staffing of a session annotated by ``with_signup_counts`` (or counted now)."""
    instructors = getattr(session, "confirmed_instructors", None)
    assistants = getattr(session, "confirmed_assistants", None)
    if instructors is None or assistants is None:
        counts = session.volunteer_signups.filter(
            status=VolunteerSignup.Status.CONFIRMED
        ).aggregate(
            i=Count("id", filter=Q(role=VolunteerSignup.Role.INSTRUCTOR)),
            a=Count("id", filter=Q(role=VolunteerSignup.Role.ASSISTANT)),
        )
        instructors, assistants = counts["i"], counts["a"]
    return Staffing(session.confirmed_count, instructors, assistants)


def with_signup_counts(queryset: QuerySet[ClassSession]) -> QuerySet[ClassSession]:
    """Annotate confirmed 講師/補助 counts and ``more_needed`` (the same rule, in SQL)."""
    confirmed = Q(volunteer_signups__status=VolunteerSignup.Status.CONFIRMED)
    queryset = queryset.annotate(
        confirmed_instructors=Count(
            "volunteer_signups",
            filter=confirmed & Q(volunteer_signups__role=VolunteerSignup.Role.INSTRUCTOR),
        ),
        confirmed_assistants=Count(
            "volunteer_signups",
            filter=confirmed & Q(volunteer_signups__role=VolunteerSignup.Role.ASSISTANT),
        ),
    )
    lead = Case(When(confirmed_instructors__gte=1, then=Value(1)), default=Value(0))
    # ceil(n / 4) in integer arithmetic: (n + 3) / 4 truncates on both databases.
    needed = (F("confirmed_count") + PARTICIPANTS_PER_HELPER - 1) / PARTICIPANTS_PER_HELPER
    return queryset.annotate(
        lead_instructor=lead,
        helpers_needed_sql=needed,
    ).annotate(
        more_needed_sql=(Value(1) - F("lead_instructor"))
        + Greatest(
            Value(0),
            F("helpers_needed_sql")
            - (F("confirmed_instructors") + F("confirmed_assistants") - F("lead_instructor")),
            output_field=IntegerField(),
        ),
        open_instructor_places=F("instructor_places") - F("confirmed_instructors"),
        open_assistant_places=F("assistant_places") - F("confirmed_assistants"),
    )


def volunteer_sessions() -> QuerySet[ClassSession]:
    """Sessions volunteers help at: resident classes that are not cancelled."""
    # The courses as a subquery, not a join to filter on: SQLite then starts from the
    # sessions' date index instead of every session of every resident course (issue 18).
    residents = Course.objects.filter(audience=Course.Audience.RESIDENTS).values("pk")
    return (
        ClassSession.objects.filter(course__in=residents)
        .exclude(status=ClassSession.Status.CANCELLED)
        .select_related("course", "venue")
    )


def sessions_for_volunteers(
    *,
    now: datetime | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    venue=None,
    skill: str = "",
    only_open: bool = False,
    volunteer=None,
) -> QuerySet[ClassSession]:
    """Upcoming classes a volunteer may sign up for, with counts and the viewer's own status."""
    now = now or timezone.now()
    queryset = (
        volunteer_sessions().filter(starts_at__gt=now).exclude(status=ClassSession.Status.HELD)
    )
    tz = timezone.get_default_timezone()
    if date_from:
        queryset = queryset.filter(
            starts_at__gte=datetime.combine(date_from, datetime.min.time(), tzinfo=tz)
        )
    if date_to:
        queryset = queryset.filter(
            starts_at__lt=datetime.combine(
                date_to + timedelta(days=1), datetime.min.time(), tzinfo=tz
            )
        )
    if venue:
        queryset = queryset.filter(venue=venue)
    if skill:
        # The course says which skills its 講師 need (CourseSkill rows, edited by 総務課).
        queryset = queryset.filter(
            Exists(CourseSkill.objects.filter(course_id=OuterRef("course_id"), skill=skill))
        )
    queryset = with_signup_counts(queryset)
    if only_open:
        queryset = queryset.filter(Q(open_instructor_places__gt=0) | Q(open_assistant_places__gt=0))
    if volunteer is not None:
        mine = VolunteerSignup.objects.filter(session=OuterRef("pk"), volunteer=volunteer)
        queryset = queryset.annotate(
            my_status=Subquery(mine.values("status")[:1]),
            my_role=Subquery(mine.values("role")[:1]),
        )
    return queryset.order_by("starts_at", "id")


def staffing_overview(
    *, now: datetime | None = None, date_to: date | None = None, venue=None, grouped: bool = True
) -> QuerySet[ClassSession]:
    """総務課's upcoming classes: understaffed first (most lacking first), then by date.

    ``grouped=False``: the same sessions without their counts and order (to count them)."""
    now = now or timezone.now()
    queryset = (
        volunteer_sessions().filter(starts_at__gt=now).exclude(status=ClassSession.Status.HELD)
    )
    if date_to:
        queryset = queryset.filter(starts_at__lt=_start_of_day_after(date_to))
    if venue:
        queryset = queryset.filter(venue=venue)
    if not grouped:
        return queryset
    return with_signup_counts(queryset).order_by(
        Case(When(more_needed_sql__gt=0, then=Value(0)), default=Value(1)),
        "starts_at",
        "id",
    )


def staffing_rows(sessions: QuerySet[ClassSession]) -> QuerySet[ClassSession]:
    """The staffing list's rows: ``sessions`` (``staffing_overview(grouped=False)``, which
    the list also counts) in ``staffing_overview``'s order (understaffed first, then by
    date), with only the columns the list shows.

    The list only needs the confirmed 講師/補助 counts and whether the class is staffed:
    ``staffed`` is the rule without a division (the leading 講師 plus one helper for
    every 4 participants: 4 × helpers ≥ participants), selected once and ordered by its
    alias. ``with_signup_counts`` nests its steps into one another and the ORM repeats
    them in the ORDER BY; building that SQL was most of the page (issue 18).
    """
    confirmed = Q(volunteer_signups__status=VolunteerSignup.Status.CONFIRMED)
    helpers = F("confirmed_instructors") + F("confirmed_assistants") - 1  # the first 講師 leads
    return (
        sessions.select_related(None)
        .only("starts_at", "title", "confirmed_count", "instructor_places", "assistant_places")
        .annotate(
            venue_name=F("venue__name"),  # lighter than a Facility per row
            confirmed_instructors=Count(
                "volunteer_signups",
                filter=confirmed & Q(volunteer_signups__role=VolunteerSignup.Role.INSTRUCTOR),
            ),
            confirmed_assistants=Count(
                "volunteer_signups",
                filter=confirmed & Q(volunteer_signups__role=VolunteerSignup.Role.ASSISTANT),
            ),
        )
        .annotate(
            staffed=Case(
                When(
                    Q(confirmed_instructors__gt=0)
                    & Q(confirmed_count__lte=PARTICIPANTS_PER_HELPER * helpers),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("staffed", "starts_at", "id")
    )


# staffing_rows in plain SQL, for the list's page: the same sessions (volunteer_sessions,
# upcoming, not held), columns and order, held to it by tests/outreach/test_staffing_sql.py.
# Building the grouped query through the ORM was most of the page (issue 18).
_STAFFING_FIELDS = (
    "id",
    "title",
    "starts_at",
    "instructor_places",
    "assistant_places",
    "confirmed_count",
)
_STAFFING_SQL = """
SELECT s.id, s.title, s.starts_at, s.instructor_places, s.assistant_places, s.confirmed_count,
       f.name, counts.instructors, counts.assistants,
       CASE WHEN counts.instructors > 0
             AND s.confirmed_count <= %(per_helper)s * (counts.instructors + counts.assistants - 1)
            THEN 1 ELSE 0 END AS staffed
FROM outreach_classsession s
JOIN core_facility f ON f.id = s.venue_id
JOIN (
    SELECT s2.id,
           COUNT(CASE WHEN v.status = %(confirmed)s AND v.role = %(instructor)s THEN 1 END)
               AS instructors,
           COUNT(CASE WHEN v.status = %(confirmed)s AND v.role = %(assistant)s THEN 1 END)
               AS assistants
    FROM outreach_classsession s2
    LEFT JOIN outreach_volunteersignup v ON v.session_id = s2.id
    WHERE {where}
    GROUP BY s2.id
) counts ON counts.id = s.id
ORDER BY staffed, s.starts_at, s.id
LIMIT %(limit)s OFFSET %(offset)s
"""


def staffing_page(
    *,
    now: datetime,
    date_to: date | None = None,
    venue=None,
    offset: int = 0,
    limit: int | None = None,
) -> list[ClassSession]:
    """The rows of ``staffing_rows(staffing_overview(now=…, date_to=…, venue=…,
    grouped=False))`` from ``offset``, at most ``limit`` of them (None: all)."""
    where = [
        "s2.course_id IN (SELECT c.id FROM outreach_course c WHERE c.audience = %(residents)s)",
        "s2.status NOT IN (%(cancelled)s, %(held)s)",
        "s2.starts_at > %(now)s",
    ]
    params = {
        "residents": Course.Audience.RESIDENTS.value,
        "cancelled": ClassSession.Status.CANCELLED.value,
        "held": ClassSession.Status.HELD.value,
        "now": connection.ops.adapt_datetimefield_value(now),
        "confirmed": VolunteerSignup.Status.CONFIRMED.value,
        "instructor": VolunteerSignup.Role.INSTRUCTOR.value,
        "assistant": VolunteerSignup.Role.ASSISTANT.value,
        "per_helper": PARTICIPANTS_PER_HELPER,
        # SQLite takes LIMIT -1 for "no limit"; PostgreSQL LIMIT NULL (ALL).
        "limit": limit if limit is not None else (-1 if connection.vendor == "sqlite" else None),
        "offset": offset,
    }
    if date_to:
        where.append("s2.starts_at < %(until)s")
        params["until"] = connection.ops.adapt_datetimefield_value(_start_of_day_after(date_to))
    if venue:
        where.append("s2.venue_id = %(venue)s")
        params["venue"] = getattr(venue, "pk", venue)
    with connection.cursor() as cursor:
        cursor.execute(_STAFFING_SQL.format(where=" AND ".join(where)), params)  # noqa: S608 - constants
        rows = cursor.fetchall()
    sessions = model_rows(
        ClassSession,
        _STAFFING_FIELDS,
        ("venue_name", "confirmed_instructors", "confirmed_assistants", "staffed"),
        rows,
    )
    for session in sessions:
        session.staffed = bool(session.staffed)
    return sessions


def _start_of_day_after(day: date) -> datetime:
    """Midnight (local time) after ``day``: the end of a list's "until" day."""
    tz = timezone.get_default_timezone()
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)


def fellow_volunteers(session: ClassSession) -> list[VolunteerSignup]:
    """Confirmed and waiting volunteers of a class: only names and roles are shown."""
    return list(
        VolunteerSignup.objects.filter(session=session)
        .exclude(status=VolunteerSignup.Status.CANCELLED)
        .select_related("volunteer")
        .only("id", "role", "status", "signed_up_at", "volunteer__id", "volunteer__full_name")
        .order_by("status", "role", "signed_up_at", "id")
    )


def signup_of(volunteer, session: ClassSession) -> VolunteerSignup | None:
    if volunteer is None:
        return None
    return VolunteerSignup.objects.filter(volunteer=volunteer, session=session).first()


def signups_for_volunteer(volunteer) -> QuerySet[VolunteerSignup]:
    return VolunteerSignup.objects.filter(volunteer=volunteer).select_related(
        "session", "session__course", "session__venue"
    )


def upcoming_signups(volunteer, *, now: datetime | None = None) -> QuerySet[VolunteerSignup]:
    now = now or timezone.now()
    return (
        signups_for_volunteer(volunteer)
        .filter(session__starts_at__gt=now)
        .exclude(status=VolunteerSignup.Status.CANCELLED)
        .exclude(session__status=ClassSession.Status.CANCELLED)
        .order_by("session__starts_at", "id")
    )


def released_signups(volunteer, *, now: datetime | None = None) -> QuerySet[VolunteerSignup]:
    """Upcoming classes that were cancelled while the volunteer was signed up (their
    sign-up was released): shown on the my page so nobody comes to a cancelled class."""
    now = now or timezone.now()
    return (
        signups_for_volunteer(volunteer)
        .filter(released_at__isnull=False, session__starts_at__gt=now)
        .order_by("session__starts_at", "id")
    )


def past_signups(volunteer, *, now: datetime | None = None) -> QuerySet[VolunteerSignup]:
    now = now or timezone.now()
    return (
        signups_for_volunteer(volunteer)
        .filter(session__starts_at__lte=now, status=VolunteerSignup.Status.CONFIRMED)
        .order_by("-session__starts_at", "-id")
    )


def attended_signups(volunteer, fiscal_year_: int) -> QuerySet[VolunteerSignup]:
    """Classes the volunteer helped at in a fiscal year (confirmed by staff), by date."""
    start, end = fiscal_year_bounds(fiscal_year_)
    return (
        signups_for_volunteer(volunteer)
        .filter(attended=True, session__starts_at__gte=start, session__starts_at__lt=end)
        .order_by("session__starts_at", "id")
    )


def hours_by_fiscal_year(volunteer) -> list[dict]:
    """[{"fiscal_year": 2025, "classes": 3, "hours": Decimal("6.00")}, ...], newest first."""
    totals: dict[int, dict] = {}
    rows = VolunteerSignup.objects.filter(volunteer=volunteer, attended=True).values_list(
        "session__starts_at", "hours"
    )
    for starts_at, hours in rows:
        fy = fiscal_year(starts_at)
        entry = totals.setdefault(fy, {"fiscal_year": fy, "classes": 0, "hours": Decimal("0")})
        entry["classes"] += 1
        entry["hours"] += hours or Decimal("0")
    return [totals[fy] for fy in sorted(totals, reverse=True)]


def hours_per_volunteer(fiscal_year_: int) -> list:
    """Volunteers with their classes and hours in a fiscal year (attended only), by kana.

    The sign-ups of the year are summed per volunteer in one grouped query that starts
    from the year's sessions; joining every profile to every sign-up of every year (and
    filtering in the aggregate) grew with the years. The same query reads the names, so
    the profiles come from its rows (only what the list and its export show, as
    ``only()`` would load them). Returns profiles with ``classes`` and ``hours`` set: at
    most one row per volunteer, sorted and paginated by the table.
    """
    start, end = fiscal_year_bounds(fiscal_year_)
    rows = (
        VolunteerSignup.objects.filter(
            attended=True, session__starts_at__gte=start, session__starts_at__lt=end
        )
        .values_list("volunteer_id", "volunteer__full_name", "volunteer__full_name_kana")
        .annotate(classes=Count("pk"), hours=Sum("hours"))
        .order_by("volunteer__full_name_kana", "volunteer_id")
    )
    db = rows.db
    fields = ["id", "full_name", "full_name_kana"]
    profiles = []
    for pk, full_name, full_name_kana, classes, hours in rows:
        profile = VolunteerProfile.from_db(db, fields, (pk, full_name, full_name_kana))
        profile.classes = classes
        profile.hours = hours
        profiles.append(profile)
    return profiles


def session_signups_for_staff(session: ClassSession) -> list[VolunteerSignup]:
    return list(
        VolunteerSignup.objects.filter(session=session)
        .select_related("volunteer", "volunteer__user")
        .order_by("status", "role", "signed_up_at", "id")
    )


def cancel_cutoff_days() -> int:
    return int(settings.TSUNAGU.get("volunteers", {}).get("signup_cancel_cutoff_days", 2))


def cancel_deadline(session: ClassSession) -> date:
    """The last day a volunteer may cancel by themselves (class day minus the cutoff)."""
    return session.local_date - timedelta(days=cancel_cutoff_days())


def may_cancel_self(signup: VolunteerSignup, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return signup.status != VolunteerSignup.Status.CANCELLED and today <= cancel_deadline(
        signup.session
    )


def session_hours(session: ClassSession) -> Decimal:
    seconds = (session.ends_at - session.starts_at).total_seconds()
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The calendar feed this secret opens (None if unknown)."""
    if not token or len(token) > 64:
        return None
    return CalendarFeed.objects.select_related("volunteer").filter(token=token).first()


def matching_volunteers(session: ClassSession, *, limit: int = 20) -> list:
    """Volunteers not yet signed up for ``session`` who have every skill its course
    needs (``CourseSkill``): whom 総務課 may ask when the class lacks helpers."""
    skills = sorted(
        CourseSkill.objects.filter(course_id=session.course_id).values_list("skill", flat=True)
    )
    signed_up = VolunteerSignup.objects.filter(session=session).exclude(
        status=VolunteerSignup.Status.CANCELLED
    )
    return list(
        volunteer_selectors.profiles_with_skills(skills).exclude(
            pk__in=signed_up.values("volunteer_id")
        )[:limit]
    )
