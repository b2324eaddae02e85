"""Demo data of the classes side: two fiscal years of held classes with attendance
(令和6年度 from October, a full 令和7年度 above the KPI target of 100), staff security
training in both years, the current year so far, and an upcoming series open for
applications (the first sessions full with a waiting list, the later ones not).

Idempotent: each series is found again by its title; a session's people are
created only together with the session. Names and numbers are invented.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from core.fiscal import current_fiscal_year, fiscal_year_dates
from core.models import Facility, User
from core.refusals import Refusal
from outreach.models import (
    AgeBand,
    Application,
    Attendance,
    ClassSession,
    Course,
    PhoneType,
    Series,
    person_key_for,
)
from outreach.services import (
    application_cancel_by_reference,
    application_create,
    participants_anonymise,
    series_create,
)

SURNAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "渡辺",
    "伊藤",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
    "石井",
    "森",
    "池田",
    "橋本",
]
GIVEN = [
    "和子",
    "幸子",
    "節子",
    "洋子",
    "恵子",
    "京子",
    "久美子",
    "美智子",
    "弘子",
    "清",
    "茂",
    "博",
    "実",
    "勇",
    "進",
    "修",
    "隆",
    "正",
    "昭",
    "明",
    "一郎",
    "誠",
]
KANA = [
    "さとう",
    "すずき",
    "たかはし",
    "たなか",
    "わたなべ",
    "いとう",
    "やまもと",
    "なかむら",
    "こばやし",
    "かとう",
    "よしだ",
    "やまだ",
    "ささき",
    "やまぐち",
    "まつもと",
    "いのうえ",
    "きむら",
    "はやし",
    "さいとう",
    "しみず",
    "いしい",
    "もり",
    "いけだ",
    "はしもと",
]
COMMENTS = [
    "LINEで孫に写真を送れるようになりました。",
    "ゆっくり教えてもらえてわかりやすかった。",
    "もう少し時間がほしかった。",
    "文字の入力が難しかったので、また参加したい。",
    "QRコードの読み取りができるようになった。",
    "",
    "",
    "",
]
BASIC_ROTATION = [
    "basic-power",
    "basic-phone-camera",
    "basic-line",
    "basic-internet",
    "basic-maps",
    "city-cashless",
]
ADVANCED_ROTATION = [
    "advanced-mynumber",
    "advanced-mynaportal",
    "basic-line",
    "city-e-application",
    "advanced-medical",
    "advanced-etax",
]


def _write(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _people(rng: random.Random, count: int) -> list[dict]:
    """A pool of residents of one year; some come more than once (延べ > 実人数)."""
    pool = []
    for n in range(count):
        i = rng.randrange(len(SURNAMES))
        name = f"{SURNAMES[i]} {rng.choice(GIVEN)}"
        pool.append(
            {
                "name": name,
                "name_kana": f"{KANA[i]}",
                "phone": f"0475-{rng.randint(20, 39):02d}-{1000 + n * 37 % 9000:04d}",
                "age_band": rng.choices(
                    [AgeBand.AGE_60S, AgeBand.AGE_70S, AgeBand.AGE_80S, AgeBand.AGE_90_PLUS],
                    weights=[2, 5, 3, 1],
                )[0],
                "phone_type": rng.choices(
                    [PhoneType.ANDROID, PhoneType.IPHONE, PhoneType.RAKURAKU, PhoneType.NONE],
                    weights=[4, 3, 3, 1],
                )[0],
            }
        )
    return pool


def _held_series(
    *,
    title: str,
    rule: str,
    venue: Facility,
    rotation: list[str],
    first: date,
    last: date,
    start: time,
    end: time,
    capacity: int,
    people: list[dict],
    by: User,
    rng: random.Random,
) -> tuple[int, int]:
    """A series in the past, held, with applications, attendance, walk-ins and surveys."""
    if last < first or Series.objects.filter(title=title).exists():
        return 0, 0
    courses = {c.code: c for c in Course.objects.filter(code__in=rotation)}
    try:
        series = series_create(
            course=courses[rotation[0]],
            venue=venue,
            title=title,
            rule=rule,
            first_date=first,
            last_date=last,
            start_time=start,
            end_time=end,
            capacity=capacity,
            status=ClassSession.Status.HELD,
            by=by,
        )
    except Refusal:  # no open day in the period (the start of a fiscal year)
        return 0, 0
    sessions = attended = 0
    for index, session in enumerate(series.sessions.order_by("starts_at")):
        course = courses[rotation[index % len(rotation)]]
        session.course = course
        session.title = course.name
        session.save(update_fields=["course", "title"])
        attended += _fill_held_session(session, people, rng)
        sessions += 1
    return sessions, attended


def _fill_held_session(session: ClassSession, people: list[dict], rng: random.Random) -> int:
    applied = rng.sample(people, k=min(len(people), rng.randint(4, session.capacity)))
    applied_at = session.starts_at - timedelta(days=rng.randint(5, 20))
    attended = 0
    for person in applied:
        application = Application.objects.create(
            session=session,
            reference=_reference(rng),
            person_key=person_key_for(person["name"], person["phone"]),
            status=Application.Status.CONFIRMED,
            channel=rng.choices(
                [
                    Application.Channel.PHONE,
                    Application.Channel.COUNTER,
                    Application.Channel.ONLINE,
                ],
                weights=[6, 2, 2],
            )[0],
            wants_to_learn=rng.choice(
                ["LINE", "写真", "文字入力", "QRコード", "アプリのインストール", ""]
            ),
            created_at=applied_at,
            **person,
        )
        came = rng.random() < 0.88
        attended += came
        Attendance.objects.create(
            session=session,
            application=application,
            status=Attendance.Status.ATTENDED if came else Attendance.Status.ABSENT,
            person_key=application.person_key,
            age_band=application.age_band,
            recorded_at=session.ends_at,
            **(_survey(rng) if came else {}),
        )
    ClassSession.objects.filter(pk=session.pk).update(confirmed_count=len(applied))
    for _n in range(rng.choice([0, 0, 1, 2])):  # walk-ins: some give details, some do not
        details = rng.random() < 0.5
        person = rng.choice(people)
        Attendance.objects.create(
            session=session,
            status=Attendance.Status.ATTENDED,
            is_walk_in=True,
            name=person["name"] if details else "",
            phone=person["phone"] if details else "",
            age_band=person["age_band"] if details else AgeBand.UNKNOWN,
            person_key=person_key_for(person["name"], person["phone"]) if details else "",
            recorded_at=session.ends_at,
            **_survey(rng),
        )
        attended += 1
    return attended


def _reference(rng: random.Random) -> str:
    while True:
        reference = str(rng.randint(10_000_000, 99_999_999))
        if not Application.objects.filter(reference=reference).exists():
            return reference


def _survey(rng: random.Random) -> dict:
    if rng.random() < 0.15:  # did not fill in the survey
        return {}
    return {
        "satisfaction": rng.choices([5, 4, 3, 2], weights=[5, 4, 1, 0.3])[0],
        "has_someone_to_ask": rng.random() > 0.45,
        "comment": rng.choice(COMMENTS),
        "wants_follow_up": rng.random() < 0.1,
    }


def _staff_training(
    *, fiscal_year: int, days: list[date], venue: Facility, by: User, rng: random.Random
) -> int:
    title = f"情報セキュリティ研修（{fiscal_year}年度）"
    if Series.objects.filter(title=title).exists():
        return 0
    past = [d for d in days if d < timezone.localdate()]
    if not past:
        return 0
    course = Course.objects.get(code="staff-security")
    tz = timezone.get_default_timezone()
    series = Series.objects.create(
        course=course,
        title=title,
        venue=venue,
        rule="RDATE:" + ",".join(d.strftime("%Y%m%d") for d in past),
        first_date=past[0],
        last_date=past[-1],
        start_time=time(15, 0),
        end_time=time(16, 30),
        created_by=by,
    )
    attended = 0
    for day in past:
        session = ClassSession.objects.create(
            course=course,
            series=series,
            title=course.name,
            venue=venue,
            room="大会議室",
            starts_at=datetime.combine(day, time(15, 0), tzinfo=tz),
            ends_at=datetime.combine(day, time(16, 30), tzinfo=tz),
            capacity=60,
            instructor_places=1,
            assistant_places=0,
            status=ClassSession.Status.HELD,
        )
        # Staff sign an attendance sheet; we record the count, names stay on paper.
        count = rng.randint(24, 38)
        Attendance.objects.bulk_create(
            Attendance(
                session=session,
                status=Attendance.Status.ATTENDED,
                is_walk_in=True,
                recorded_at=session.ends_at,
            )
            for _n in range(count)
        )
        attended += count
    return attended


def _upcoming_series(*, venue: Facility, by: User, rng: random.Random) -> int:
    """The next six months of second-Tuesday classes, open for applications."""
    title = "はじめてのスマホ教室（第2火曜）"
    today = timezone.localdate()
    if Series.objects.filter(title=title, last_date__gte=today).exists():
        return 0
    series = series_create(
        course=Course.objects.get(code="basic-line"),
        venue=venue,
        title=title,
        rule="FREQ=MONTHLY;BYDAY=+2TU",
        first_date=today + timedelta(days=1),
        last_date=today + timedelta(days=183),
        start_time=time(10, 0),
        end_time=time(12, 0),
        capacity=8,
        instructor_places=1,
        assistant_places=2,
        status=ClassSession.Status.OPEN,
        by=by,
    )
    people = _people(rng, 30)
    # Some give an e-mail address (their messages are mails); the others are called.
    for n, person in enumerate(people):
        if n % 3 == 0:
            person["email"] = f"mobara.resident{n}@example.jp"
    sessions = list(series.sessions.order_by("starts_at"))
    # First session full (its waiting list comes with the story below), the second nearly
    # full, the rest filling up.
    wanted = [8, 6, 3, 1]
    created = 0
    for session, count in zip(sessions, wanted, strict=False):
        for person in rng.sample(people, k=count):
            try:
                application_create(
                    session=session,
                    channel=rng.choice([Application.Channel.PHONE, Application.Channel.ONLINE]),
                    wants_to_learn="LINEで写真を送りたい",
                    by=by,
                    **person,
                )
                created += 1
            except Refusal:  # an invented person drawn twice: skip
                pass
    created += _sasaki_moves_up(sessions[0], by=by, rng=rng)
    return created


SASAKI = {
    "name": "佐々木 幸子",
    "name_kana": "ささき さちこ",
    "phone": "0475-22-4411",
    "age_band": AgeBand.AGE_80S,
    "phone_type": PhoneType.RAKURAKU,
}


def _sasaki_moves_up(session: ClassSession, *, by: User, rng: random.Random) -> int:
    """The issue's story, through the real services: 佐々木 幸子 (a らくらくホン, a phone
    number only) phones in for the full class and waits; another resident joins the list
    online; then someone with a place cancels online with the reference number, and
    佐々木さん moves up: she is on 総務課's 連絡リスト, to be called."""
    application_create(session=session, channel=Application.Channel.PHONE, by=by, **SASAKI)
    application_create(
        session=session,
        channel=Application.Channel.ONLINE,
        name="吉田 進",
        name_kana="よしだ すすむ",
        phone="0475-24-3180",
        email="yoshida.susumu@example.jp",
        age_band=AgeBand.AGE_70S,
        phone_type=PhoneType.ANDROID,
    )
    leaving = (
        session.applications.filter(status=Application.Status.CONFIRMED)
        .exclude(name=SASAKI["name"])
        .order_by("id")
        .first()
    )
    application_cancel_by_reference(reference=leaving.reference, phone=leaving.phone)
    return 2


def seed(stdout=None) -> None:
    somu = User.objects.filter(email="somu@example.jp").first()
    venues = {
        f.name: f
        for f in Facility.objects.filter(
            name__in=["茂原市中央公民館", "茂原市本納公民館", "茂原市役所"]
        )
    }
    if len(venues) < 3:
        _write(stdout, "outreach demo: core facilities missing, skipped\n")
        return
    central, honno, city_hall = (
        venues["茂原市中央公民館"],
        venues["茂原市本納公民館"],
        venues["茂原市役所"],
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    summary = []
    this_year = current_fiscal_year()
    for fiscal_year in sorted({2024, 2025, this_year}):
        rng = random.Random(fiscal_year)  # the same demo every time
        first, last = fiscal_year_dates(fiscal_year)
        if fiscal_year == 2024:
            first = date(2024, 10, 1)  # the classes started in the second half of 令和6年度
        last = min(last, yesterday)
        people = _people(rng, 90)
        a = _held_series(
            title=f"スマホ教室 中央公民館（{fiscal_year}年度）",
            rule="FREQ=MONTHLY;BYDAY=+2TU",
            venue=central,
            rotation=BASIC_ROTATION,
            first=first,
            last=last,
            start=time(10, 0),
            end=time(12, 0),
            capacity=10,
            people=people,
            by=somu,
            rng=rng,
        )
        b = _held_series(
            title=f"スマホ教室 本納公民館（{fiscal_year}年度）",
            rule="FREQ=MONTHLY;BYDAY=+4TH",
            venue=honno,
            rotation=ADVANCED_ROTATION,
            first=first,
            last=last,
            start=time(13, 30),
            end=time(15, 30),
            capacity=8,
            people=people,
            by=somu,
            rng=rng,
        )
        staff = _staff_training(
            fiscal_year=fiscal_year,
            days=[
                date(fiscal_year, 6, 18),
                date(fiscal_year, 11, 12),
                date(fiscal_year + 1, 2, 10),
            ],
            venue=city_hall,
            by=somu,
            rng=rng,
        )
        summary.append(
            f"FY{fiscal_year}: {a[0] + b[0]} classes, {a[1] + b[1]} attendances, staff {staff}"
        )
    applications = _upcoming_series(venue=central, by=somu, rng=random.Random(7))
    # Older participants are past their retention period: show them anonymised.
    anonymised = participants_anonymise()
    _write(
        stdout,
        "outreach demo: "
        + "; ".join(summary)
        + f"; upcoming applications {applications}; anonymised {anonymised.applications}\n",
    )
