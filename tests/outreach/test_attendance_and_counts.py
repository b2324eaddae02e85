"""Attendance, walk-ins and the counts the KPIs are built from (counted by hand)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.audit import audit_history
from core.refusals import Refusal
from outreach.models import Attendance, ClassSession, Course
from outreach.selectors import (
    attendance_totals,
    class_analysis,
    class_breakdowns,
    kpi_resident_class_participants,
    kpi_staff_security_training_attendees,
    nobody_to_ask_share,
    sessions_held_without_attendance,
)
from outreach.services import (
    attendance_add_walk_in,
    attendance_mark,
    attendance_update_survey,
    session_update,
)

from .conftest import jst


@pytest.fixture
def past_session(make_session):
    def _make(starts_at, **extra):
        return make_session(starts_at=starts_at, **extra)

    return _make


@pytest.mark.django_db
def test_walk_ins_count_as_attendances(past_session, make_application, dx_staff):
    session = past_session(jst(2025, 6, 10, 10, 0))
    came, stayed_home = make_application(session), make_application(session)
    attendance_mark(application=came, status="attended", by=dx_staff)
    attendance_mark(application=stayed_home, status="absent", by=dx_staff)
    attendance_add_walk_in(session=session, by=dx_staff, name="飛込 次郎", phone="0475-99-0001")
    attendance_add_walk_in(session=session, by=dx_staff)  # no details given
    session.refresh_from_db()
    assert session.status == ClassSession.Status.HELD
    figure = kpi_resident_class_participants(2025)
    assert figure.value == 3  # 1 applicant + 2 walk-ins; the absent one does not count
    assert [row["attended"] for row in figure.rows] == [3]
    totals = attendance_totals(fiscal_year=2025)
    assert (totals.attendances, totals.people) == (3, 3)


@pytest.mark.django_db
def test_kpi_rows_are_per_session_without_personal_data(past_session, make_application, dx_staff):
    session = past_session(jst(2025, 6, 10, 10, 0))
    application = make_application(session, name="個人 情報子", phone="0475-12-3456")
    attendance_mark(application=application, status="attended", by=dx_staff)
    row = kpi_resident_class_participants(2025).rows[0]
    assert set(row) == {
        "session_id",
        "date",
        "starts_at",
        "course",
        "title",
        "venue",
        "capacity",
        "attended",
    }
    assert "個人" not in str(row) and "3456" not in str(row)


@pytest.mark.django_db
def test_a_session_at_2330_on_31_march_counts_in_the_ending_fiscal_year(
    past_session, make_application, dx_staff
):
    late = past_session(jst(2026, 3, 31, 23, 30), minutes=30)
    last_minute = past_session(jst(2026, 3, 31, 23, 59), minutes=30)
    midnight = past_session(jst(2026, 4, 1, 0, 0))
    for session, people in ((late, 1), (last_minute, 1), (midnight, 3)):
        for _n in range(people):
            attendance_add_walk_in(session=session, by=dx_staff)
    assert kpi_resident_class_participants(2025).value == 2
    assert kpi_resident_class_participants(2026).value == 3
    assert [r["session_id"] for r in kpi_resident_class_participants(2025).rows] == [
        late.pk,
        last_minute.pk,
    ]
    # In UTC the 23:30 JST session starts on 31 March 14:30: the JST day decides, not UTC.
    assert [r["date"].isoformat() for r in kpi_resident_class_participants(2025).rows] == [
        "2026-03-31",
        "2026-03-31",
    ]


@pytest.mark.django_db
def test_kpis_counted_by_hand_across_courses_audiences_and_statuses(
    past_session, make_course, make_application, dx_staff
):
    basic = make_course(code="basic-phone", name="スマホの基本操作")
    security = make_course(
        code="security",
        name="情報セキュリティ研修",
        category=Course.Category.SECURITY_TRAINING,
        audience=Course.Audience.STAFF,
    )
    other_staff = make_course(
        code="staff-other", name="職員向けExcel研修", category="city", audience="staff"
    )
    # Resident session 1: 3 applicants (2 attend, 1 absent) + 1 walk-in → 3.
    s1 = past_session(jst(2025, 5, 13, 10), course=basic)
    apps = [make_application(s1) for _ in range(3)]
    attendance_mark(application=apps[0], status="attended", by=dx_staff)
    attendance_mark(application=apps[1], status="attended", by=dx_staff)
    attendance_mark(application=apps[2], status="absent", by=dx_staff)
    attendance_add_walk_in(session=s1, by=dx_staff)
    # Resident session 2, same person as apps[0] again → 延べ +1, 実人数 unchanged.
    s2 = past_session(jst(2025, 11, 11, 13, 30), course=basic)
    again = make_application(s2, name=apps[0].name, phone=apps[0].phone)
    attendance_mark(application=again, status="attended", by=dx_staff)
    # Resident session in FY2024 and a cancelled one in FY2025: not counted.
    old = past_session(jst(2025, 3, 11, 10), course=basic)
    attendance_add_walk_in(session=old, by=dx_staff)
    past_session(jst(2025, 7, 8, 10), course=basic, status=ClassSession.Status.CANCELLED)
    # Staff: security 4 + 2 attendees, other staff course 5 → security KPI 6.
    sec1 = past_session(jst(2025, 6, 2, 15), course=security)
    sec2 = past_session(jst(2026, 2, 2, 15), course=security)
    excel = past_session(jst(2025, 6, 3, 15), course=other_staff)
    for session, n in ((sec1, 4), (sec2, 2), (excel, 5)):
        for _i in range(n):
            attendance_add_walk_in(session=session, by=dx_staff)

    residents = kpi_resident_class_participants(2025)
    assert residents.value == 4
    assert [(r["session_id"], r["attended"]) for r in residents.rows] == [(s1.pk, 3), (s2.pk, 1)]
    assert kpi_resident_class_participants(2024).value == 1
    staff = kpi_staff_security_training_attendees(2025)
    assert staff.value == 6
    assert [r["attended"] for r in staff.rows] == [4, 2]
    totals = attendance_totals(fiscal_year=2025)
    assert (totals.attendances, totals.people) == (4, 3)
    by_month = {
        r["label"]: (r["attendances"], r["people"])
        for r in class_breakdowns(fiscal_year=2025)["month"].rows
    }
    assert by_month == {"5月": (3, 3), "11月": (1, 1)}
    breakdowns = class_breakdowns(fiscal_year=2025)
    assert [r["label"] for r in breakdowns["weekday"].rows] == ["火"]
    assert {r["label"]: r["attendances"] for r in breakdowns["time_of_day"].rows} == {
        "午前": 3,
        "午後": 1,
    }
    assert breakdowns["course"].rows == [
        {"label": "スマホの基本操作", "attendances": 4, "people": 3}
    ]
    # The analysis counts its rows in Python: the same 延べ and 実人数 as the SQL rule.
    analysis = class_analysis(fiscal_year=2025)
    assert analysis.totals == totals


@pytest.mark.django_db
def test_share_with_nobody_to_ask_counts_answers_only(past_session, make_application, dx_staff):
    session = past_session(jst(2025, 9, 9, 10))
    attendance_add_walk_in(session=session, by=dx_staff, survey={"has_someone_to_ask": False})
    attendance_add_walk_in(session=session, by=dx_staff, survey={"has_someone_to_ask": True})
    attendance_add_walk_in(session=session, by=dx_staff, survey={"has_someone_to_ask": False})
    attendance_add_walk_in(session=session, by=dx_staff)
    share = nobody_to_ask_share(fiscal_year=2025)
    assert (share.answered, share.nobody) == (3, 2)
    assert class_analysis(fiscal_year=2025).nobody == share


@pytest.mark.django_db
def test_every_attendance_change_is_audited(past_session, make_application, dx_staff):
    session = past_session(jst(2025, 6, 10, 10, 0))
    application = make_application(session)
    row = attendance_mark(application=application, status="absent", by=dx_staff)
    attendance_mark(application=application, status="attended", by=dx_staff)
    attendance_update_survey(attendance=row, by=dx_staff, satisfaction=5, wants_follow_up=True)
    actions = list(audit_history(row).values_list("action", "changes"))
    assert [a for a, _c in actions] == [
        "outreach.attendance.changed",
        "outreach.attendance.changed",
        "outreach.attendance.recorded",
    ]
    assert actions[1][1]["status"] == ["absent", "attended"]
    assert Attendance.objects.filter(application=application).count() == 1


@pytest.mark.django_db
def test_a_session_marked_held_without_attendance_is_flagged(past_session, dx_staff):
    session = past_session(timezone.now() - timedelta(days=1))
    session_update(session=session, by=dx_staff, status=ClassSession.Status.HELD)
    assert list(sessions_held_without_attendance()) == [session]
    attendance_add_walk_in(session=session, by=dx_staff)
    assert list(sessions_held_without_attendance()) == []


@pytest.mark.django_db
def test_attendance_cannot_be_recorded_before_the_class_or_when_cancelled(make_session, dx_staff):
    future = make_session()
    with pytest.raises(Refusal, match="始まってから"):
        attendance_add_walk_in(session=future, by=dx_staff)
    cancelled = make_session(
        starts_at=timezone.now() - timedelta(days=1), status=ClassSession.Status.CANCELLED
    )
    with pytest.raises(Refusal, match="中止になった"):
        attendance_add_walk_in(session=cancelled, by=dx_staff)
