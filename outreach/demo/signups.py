"""Demo volunteer sign-ups: some classes fully staffed, some short of helpers, a waiting
list, and past classes with confirmed hours in two fiscal years.

Runs after the classes demo (``outreach.demo.classes``) and volunteers/demo.py.
It uses the classes that exist; when there are none (classes demo not loaded) it
creates a few of its own. Idempotent: one sign-up per volunteer and class.
"""

import contextlib
from datetime import datetime, time, timedelta

from django.utils import timezone

from core.fiscal import current_fiscal_year, fiscal_year_dates
from core.models import Facility
from core.office_calendar import next_open_day
from core.refusals import Refusal
from outreach.models import ClassSession, Course, VolunteerSignup
from outreach.selectors import session_hours, staffing_of, with_signup_counts
from outreach.services import signup_create
from volunteers.models import VolunteerProfile

Role = VolunteerSignup.Role
Status = VolunteerSignup.Status

OWN_COURSE_CODE = "volunteer-demo-smartphone"


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_default_timezone())


def _own_sessions() -> None:
    """A few classes of our own, only when the classes demo has created none."""
    course, _ = Course.objects.get_or_create(
        code=OWN_COURSE_CODE,
        defaults={
            "name": "はじめてのスマホ教室（LINE）",
            "name_kana": "ハジメテノスマホキョウシツ",
            "category": Course.Category.BASIC,
            "what_to_bring": "お持ちのスマートフォン",
        },
    )
    venues = list(Facility.objects.filter(kind=Facility.Kind.COMMUNITY_CENTRE)[:3]) or list(
        Facility.objects.all()[:1]
    )
    if not venues:
        return
    today = timezone.localdate()
    fy = current_fiscal_year()
    # Classes are held on days the city office is open (no weekends, holidays, 年末年始).
    days = [next_open_day(today + timedelta(days=d)) for d in (5, 9, 16, 23, 37)]
    days += [
        next_open_day(today - timedelta(days=20)),
        next_open_day(fiscal_year_dates(fy - 1)[0] + timedelta(days=60)),
    ]
    for i, day in enumerate(days):
        starts = _at(day, 10 if i % 2 == 0 else 13)
        ClassSession.objects.get_or_create(
            course=course,
            starts_at=starts,
            defaults={
                "title": course.name,
                "venue": venues[i % len(venues)],
                "room": "講座室",
                "ends_at": starts + timedelta(hours=2),
                "capacity": 10,
                "status": ClassSession.Status.OPEN if day > today else ClassSession.Status.HELD,
            },
        )


def _profile(email: str) -> VolunteerProfile | None:
    return VolunteerProfile.objects.filter(user__email=email).first()


def _sign(session, profile, role) -> None:
    if (
        profile is None
        or VolunteerSignup.objects.filter(session=session, volunteer=profile).exists()
    ):
        return
    # A class in the past or a paused volunteer is refused: leave it.
    with contextlib.suppress(Refusal):
        signup_create(session=session, volunteer=profile, role=role, by=profile.user)


def seed(stdout=None) -> None:
    now = timezone.now()
    residents = ClassSession.objects.filter(course__audience=Course.Audience.RESIDENTS).exclude(
        status=ClassSession.Status.CANCELLED
    )
    if not residents.filter(starts_at__gt=now).exists():
        _own_sessions()
    ichiro = _profile("volunteer@example.jp")
    sato = _profile("sato.hanako@example.jp")
    suzuki = _profile("suzuki.kenji@example.jp")
    takahashi = _profile("takahashi.yumi@example.jp")
    tanaka = _profile("tanaka.makoto@example.jp")

    upcoming = list(residents.filter(starts_at__gt=now).order_by("starts_at", "id")[:6])
    if upcoming:
        # The class with the fewest participants is the one three volunteers can fully staff.
        fullest = min(upcoming, key=lambda s: s.confirmed_count)
        upcoming.remove(fullest)
        upcoming.insert(0, fullest)
    for i, session in enumerate(upcoming):
        if i == 0:  # fully staffed as far as places allow
            _sign(session, ichiro, Role.INSTRUCTOR)
            _sign(session, sato, Role.ASSISTANT)
            _sign(session, suzuki, Role.ASSISTANT)
        elif i == 1:  # short: assistants but no 講師
            _sign(session, suzuki, Role.ASSISTANT)
        elif i == 2:  # assistants full, one on the waiting list
            _sign(session, tanaka, Role.INSTRUCTOR)
            _sign(session, sato, Role.ASSISTANT)
            _sign(session, suzuki, Role.ASSISTANT)
            _sign(session, takahashi, Role.ASSISTANT)
        elif i == 3:  # a 講師 only
            _sign(session, sato, Role.INSTRUCTOR)
        # the rest: nobody yet

    # Past classes with confirmed attendance: hours in this and last fiscal year.
    past = list(residents.filter(starts_at__lte=now).order_by("-starts_at", "id")[:6])
    for i, session in enumerate(past):
        for profile, role in ((ichiro, Role.INSTRUCTOR), (sato, Role.ASSISTANT)):
            if profile is None:
                continue
            came = not (i == 1 and profile is sato)  # one absence, for realism
            VolunteerSignup.objects.get_or_create(
                session=session,
                volunteer=profile,
                defaults={
                    "role": role,
                    "status": Status.CONFIRMED,
                    "signed_up_at": session.starts_at - timedelta(days=14),
                    "confirmed_at": session.starts_at - timedelta(days=14),
                    "attended": came,
                    "hours": session_hours(session) if came else None,
                },
            )
    if stdout:
        sessions = with_signup_counts(residents.filter(starts_at__gt=now))
        short = sum(1 for s in sessions if not staffing_of(s).is_staffed)
        stdout.write(
            f"outreach sign-ups: {VolunteerSignup.objects.count()} sign-ups; "
            f"{short} upcoming classes short of volunteers"
        )
