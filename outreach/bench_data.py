"""Benchmark volume of outreach: N years of smartphone classes, applications and attendance.

N=10 gives 2,500 sessions and 50,000 applications. Past sessions are held with
their attendance (about 85% of the confirmed applicants come, a few walk-ins);
the next two months are open for applications. Volunteers help at each session.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from core.bench_data import Volume, bulk_create, period, person_name
from core.models import Facility
from outreach.models import (
    AgeBand,
    Application,
    Attendance,
    ClassSession,
    Course,
    PhoneType,
    VolunteerSignup,
    person_key_for,
)
from volunteers.models import VolunteerProfile

TOPICS = [
    ("はじめてのスマホ教室", "basic"),
    ("LINEの使い方教室", "basic"),
    ("スマホで写真を送ろう", "basic"),
    ("マイナンバーカードとスマホ", "advanced"),
    ("キャッシュレス決済入門", "advanced"),
    ("防災アプリを使ってみよう", "city"),
]
AGES = [a.value for a in AgeBand]
AGE_WEIGHTS = [1, 3, 5, 3, 1, 1]
PHONES = [p.value for p in PhoneType]


def _courses() -> list[Course]:
    existing = list(Course.objects.filter(audience=Course.Audience.RESIDENTS))
    if existing:  # the standard courses of the data migration
        return existing
    return bulk_create(
        Course,
        (
            Course(code=f"bench-{i}", name=name, category=category)
            for i, (name, category) in enumerate(TOPICS)
        ),
    )


def generate(scale: int, rng: random.Random) -> dict[str, int]:
    volume = Volume(scale)
    start, today = period(scale)
    horizon = today + timedelta(days=60)
    courses = _courses()
    venues = list(Facility.objects.filter(kind=Facility.Kind.COMMUNITY_CENTRE)) or list(
        Facility.objects.all()
    )
    volunteers = list(VolunteerProfile.objects.all())
    days = (horizon - start).days
    per_application = volume.applications / volume.sessions
    sessions = []
    for n in range(volume.sessions):
        day = start + timedelta(days=int(n * days / volume.sessions))
        while day.weekday() >= 5:  # classes are on weekdays
            day += timedelta(days=1)
        begins = timezone.make_aware(datetime.combine(day, time(rng.choice([10, 13, 14]), 0)))
        course = rng.choice(courses)
        held = day < today
        sessions.append(
            ClassSession(
                course=course,
                title=course.name,
                venue=rng.choice(venues),
                room="講座室",
                starts_at=begins,
                ends_at=begins + timedelta(hours=2),
                capacity=25,
                instructor_places=1,
                assistant_places=3,
                status=ClassSession.Status.HELD if held else ClassSession.Status.OPEN,
            )
        )
    sessions = bulk_create(ClassSession, sessions)

    # Residents come back for more classes: a pool about a quarter the size of the
    # applications, so the analysis's 実人数 (distinct people) is realistic.
    residents = []
    for _ in range(max(500, volume.applications // 4)):
        name, phone = person_name(rng), f"0475-{rng.randint(20, 39)}-{rng.randint(1000, 9999)}"
        residents.append((name, phone, person_key_for(name, phone)))
    applications, confirmed = [], {}
    for session in sessions:
        wanted = min(session.capacity, max(0, round(rng.gauss(per_application, 3))))
        for name, phone, key in rng.sample(residents, wanted):
            applications.append(
                Application(
                    session=session,
                    reference=f"{len(applications) + 10_000_000:08d}",
                    name=name,
                    name_kana="",
                    phone=phone,
                    age_band=rng.choices(AGES, weights=AGE_WEIGHTS)[0],
                    phone_type=rng.choice(PHONES),
                    person_key=key,
                    status=Application.Status.CONFIRMED,
                    channel=rng.choice(
                        [Application.Channel.PHONE] * 3
                        + [Application.Channel.COUNTER, Application.Channel.ONLINE]
                    ),
                    created_at=session.starts_at - timedelta(days=rng.randint(3, 30)),
                )
            )
            confirmed[session.pk] = confirmed.get(session.pk, 0) + 1
    applications = bulk_create(Application, applications)
    for session in sessions:
        session.confirmed_count = confirmed.get(session.pk, 0)
    ClassSession.objects.bulk_update(sessions, ["confirmed_count"], batch_size=1000)

    attendances = []
    held = {s.pk: s for s in sessions if s.status == ClassSession.Status.HELD}
    for application in applications:
        session = held.get(application.session_id)
        if session is None:
            continue
        came = rng.random() < 0.85
        attendances.append(
            Attendance(
                session=session,
                application=application,
                status=Attendance.Status.ATTENDED if came else Attendance.Status.ABSENT,
                age_band=application.age_band,
                person_key=application.person_key,  # as attendance_mark copies it
                satisfaction=rng.choice([3, 4, 4, 5, 5]) if came else None,
                recorded_at=session.ends_at,
            )
        )
    attendances = bulk_create(Attendance, attendances)

    signups = []
    if volunteers:
        for session in sessions:
            helpers = rng.sample(volunteers, k=min(len(volunteers), rng.randint(1, 4)))
            for i, volunteer in enumerate(helpers):
                past = session.pk in held
                signups.append(
                    VolunteerSignup(
                        session=session,
                        volunteer=volunteer,
                        role=VolunteerSignup.Role.INSTRUCTOR
                        if i == 0
                        else VolunteerSignup.Role.ASSISTANT,
                        status=VolunteerSignup.Status.CONFIRMED,
                        signed_up_at=session.starts_at - timedelta(days=rng.randint(5, 40)),
                        confirmed_at=session.starts_at - timedelta(days=5),
                        attended=True if past else None,
                        hours=2 if past else None,
                    )
                )
        signups = bulk_create(VolunteerSignup, signups)
    return {
        "class sessions": len(sessions),
        "applications": len(applications),
        "attendances": len(attendances),
        "volunteer sign-ups": len(signups),
    }
