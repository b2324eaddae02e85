"""A series is planned from a recurrence rule and skips closed days."""

from datetime import date, time

import pytest
from django.utils import timezone

from core.audit import audit_history
from core.refusals import Refusal
from outreach.models import ClassSession
from outreach.services import (
    series_create,
    series_preview,
    session_cancel,
    session_update,
)


def test_series_preview_skips_public_holidays():
    # Third Monday of each month: 海の日 (20 July 2026) and 敬老の日 (21 Sept 2026).
    preview = series_preview(
        rule="FREQ=MONTHLY;BYDAY=+3MO", first_date=date(2026, 4, 1), last_date=date(2026, 9, 30)
    )
    assert preview.days == [
        date(2026, 4, 20),
        date(2026, 5, 18),
        date(2026, 6, 15),
        date(2026, 8, 17),
    ]
    assert [day for day, _reason in preview.skipped] == [date(2026, 7, 20), date(2026, 9, 21)]
    assert preview.skipped[0][1] == "海の日"


def test_series_preview_skips_year_end_closure_and_new_year():
    preview = series_preview(
        rule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        first_date=date(2026, 12, 25),
        last_date=date(2027, 1, 8),
    )
    assert preview.days == [
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 4),
        date(2027, 1, 5),
        date(2027, 1, 6),
        date(2027, 1, 7),
        date(2027, 1, 8),
    ]
    assert [day for day, _reason in preview.skipped] == [
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
    ]


def test_series_preview_explains_a_bad_rule():
    with pytest.raises(Refusal, match="読み取れません") as refused:
        series_preview(
            rule="EVERY SECOND TUESDAY", first_date=date(2026, 4, 1), last_date=date(2026, 5, 1)
        )
    assert refused.value.field == "rule"


@pytest.mark.django_db
def test_series_of_second_tuesdays_for_six_months_creates_aware_sessions(
    make_course, make_facility, dx_staff
):
    venue = make_facility()
    series = series_create(
        course=make_course(),
        venue=venue,
        title="はじめてのスマホ教室",
        rule="FREQ=MONTHLY;BYDAY=+2TU",
        first_date=date(2026, 4, 1),
        last_date=date(2026, 9, 30),
        start_time=time(10, 0),
        end_time=time(12, 0),
        capacity=8,
        by=dx_staff,
    )
    sessions = list(series.sessions.order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).date() for s in sessions] == [
        date(2026, 4, 14),
        date(2026, 5, 12),
        date(2026, 6, 9),
        date(2026, 7, 14),
        date(2026, 9, 8),
    ]
    assert series.skipped_days == [["2026-08-11", "山の日"]]
    first = sessions[0]
    assert timezone.localtime(first.starts_at).time() == time(10, 0)
    assert timezone.localtime(first.ends_at).time() == time(12, 0)
    assert first.capacity == 8 and first.venue == venue
    assert audit_history(series).filter(action="outreach.series.created").exists()


@pytest.mark.django_db
def test_one_session_of_a_series_can_be_edited_or_cancelled_alone(
    make_course, make_facility, dx_staff
):
    series = series_create(
        course=make_course(),
        venue=make_facility(),
        title="LINE教室",
        rule="FREQ=WEEKLY;BYDAY=WE",
        first_date=date(2030, 4, 1),
        last_date=date(2030, 4, 30),
        start_time=time(13, 30),
        end_time=time(15, 0),
        capacity=6,
        status=ClassSession.Status.OPEN,
        by=dx_staff,
    )
    first, second, *rest = series.sessions.order_by("starts_at")
    session_update(session=first, by=dx_staff, capacity=12, title="LINE教室（拡大）")
    session_cancel(session=second, by=dx_staff, reason="会場の都合")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.capacity, first.title) == (12, "LINE教室（拡大）")
    assert second.status == ClassSession.Status.CANCELLED
    assert all(s.capacity == 6 and s.status == ClassSession.Status.OPEN for s in rest)
    assert audit_history(first).filter(action="outreach.session.changed").exists()


@pytest.mark.django_db
def test_capacity_cannot_drop_below_confirmed_places(make_session, make_application, dx_staff):
    session = make_session(capacity=3)
    make_application(session)
    make_application(session)
    with pytest.raises(Refusal, match="参加が確定") as refused:
        session_update(session=session, by=dx_staff, capacity=1)
    assert refused.value.field == "capacity"


@pytest.mark.django_db
def test_a_held_session_with_attendance_stays_held(make_session, dx_staff):
    from datetime import timedelta

    from outreach.services import attendance_add_walk_in

    session = make_session(starts_at=timezone.now() - timedelta(days=1))
    attendance_add_walk_in(session=session, by=dx_staff)
    with pytest.raises(Refusal, match="開催済みのまま"):
        session_update(session=session, by=dx_staff, status=ClassSession.Status.OPEN)
    with pytest.raises(Refusal, match="中止にできません"):
        session_cancel(session=session, by=dx_staff)
