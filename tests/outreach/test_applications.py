"""Applications: capacity, waiting list, promotion, duplicates, cancellation."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.audit import audit_history
from core.refusals import Refusal
from outreach.models import Application, ClassSession, PhoneType
from outreach.services import (
    DuplicateApplication,
    application_cancel,
    application_cancel_by_reference,
    application_create,
    session_update,
)


def _apply(session, n, **extra):
    values = {
        "name": f"長生 太郎{n}",
        "phone": f"090-0000-{n:04d}",
        "phone_type": PhoneType.IPHONE,
        "channel": Application.Channel.ONLINE,
    }
    values.update(extra)
    return application_create(session=session, **values)


@pytest.mark.django_db
def test_applications_beyond_capacity_go_to_the_waiting_list(make_session):
    session = make_session(capacity=2)
    a, b, c = (_apply(session, n) for n in range(3))
    assert [a.status, b.status, c.status] == ["confirmed", "confirmed", "waitlisted"]
    session.refresh_from_db()
    assert session.confirmed_count == 2
    assert session.status == ClassSession.Status.FULL
    assert session.applications.filter(status="confirmed").count() == 2


@pytest.mark.django_db
def test_each_application_gets_a_distinct_eight_digit_reference(make_session):
    session = make_session(capacity=1)
    refs = {_apply(session, n).reference for n in range(5)}
    assert len(refs) == 5
    assert all(len(ref) == 8 and ref.isdigit() for ref in refs)


@pytest.mark.django_db
def test_cancelling_a_confirmed_place_promotes_the_first_on_the_waiting_list(
    make_session, dx_staff
):
    session = make_session(capacity=1)
    first = _apply(session, 1)
    second = _apply(session, 2)
    third = _apply(session, 3)
    promoted = application_cancel(application=first, by=dx_staff)
    assert [p.pk for p in promoted] == [second.pk]
    second.refresh_from_db()
    third.refresh_from_db()
    session.refresh_from_db()
    assert second.status == "confirmed" and second.promoted_at is not None
    assert third.status == "waitlisted"
    assert session.confirmed_count == 1 and session.status == ClassSession.Status.FULL
    assert audit_history(second).filter(action="outreach.application.promoted").exists()


@pytest.mark.django_db
def test_cancelling_with_nobody_waiting_reopens_the_session(make_session):
    session = make_session(capacity=1)
    only = _apply(session, 1)
    application_cancel(application=only)
    session.refresh_from_db()
    assert session.confirmed_count == 0 and session.status == ClassSession.Status.OPEN


@pytest.mark.django_db
def test_larger_capacity_promotes_waiting_people(make_session, dx_staff):
    session = make_session(capacity=1)
    _apply(session, 1)
    waiting = _apply(session, 2)
    session_update(session=session, by=dx_staff, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


@pytest.mark.django_db
def test_same_name_and_phone_for_the_same_session_is_detected(make_session):
    session = make_session()
    first = _apply(session, 1, name="茂原 花子", phone="0475-23-0001")
    with pytest.raises(DuplicateApplication) as caught:
        _apply(session, 2, name="茂原　花子", phone="０４７５２３０００１")
    assert caught.value.existing.pk == first.pk
    # The same person may apply for another session.
    other = make_session()
    assert _apply(other, 3, name="茂原 花子", phone="0475-23-0001").status == "confirmed"


@pytest.mark.django_db
def test_after_cancelling_the_same_person_may_apply_again(make_session):
    session = make_session()
    first = _apply(session, 1, name="茂原 花子", phone="0475-23-0001")
    application_cancel(application=first)
    again = _apply(session, 2, name="茂原 花子", phone="0475-23-0001")
    assert again.status == "confirmed"


@pytest.mark.django_db
def test_public_cannot_apply_to_planned_cancelled_or_past_sessions(make_session, dx_staff):
    planned = make_session(status=ClassSession.Status.PLANNED)
    with pytest.raises(Refusal, match="受け付けていません"):
        _apply(planned, 1)
    # Staff may take a phone application before the session opens online.
    assert _apply(planned, 2, by=dx_staff, channel="phone").status == "confirmed"
    cancelled = make_session(status=ClassSession.Status.CANCELLED)
    with pytest.raises(Refusal, match="受け付けていません"):
        _apply(cancelled, 3, by=dx_staff)
    past = make_session(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(Refusal, match="すでに始まっています"):
        _apply(past, 4)


@pytest.mark.django_db
def test_resident_cancels_with_reference_number_and_phone(make_session):
    session = make_session(capacity=1)
    mine = _apply(session, 1, phone="0475-23-9999")
    waiting = _apply(session, 2)
    ref = f"{mine.reference[:4]}-{mine.reference[4:]}"
    assert application_cancel_by_reference(reference=ref, phone="0475-00-0000") is None
    assert application_cancel_by_reference(reference="12345678", phone="0475-23-9999") is None
    cancelled = application_cancel_by_reference(reference=ref, phone="0475239999")
    assert cancelled.pk == mine.pk
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == "cancelled" and waiting.status == "confirmed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_applications_for_the_last_place_never_overbook(
    make_course, make_facility, race
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    start = timezone.now() + timedelta(days=7)
    session = ClassSession.objects.create(
        course=make_course(),
        venue=make_facility(),
        title="スマホ教室",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=5,
        status=ClassSession.Status.OPEN,
    )
    for n in range(4):
        _apply(session, 100 + n)
    outcomes = race(20, lambda n: _apply(ClassSession.objects.get(pk=session.pk), n))
    assert outcomes.errors == []
    session.refresh_from_db()
    late = Application.objects.filter(
        session=session, name__in=[f"長生 太郎{n}" for n in range(20)]
    )
    assert late.filter(status="confirmed").count() == 1
    assert late.filter(status="waitlisted").count() == 19
    assert session.confirmed_count == 5 == session.applications.filter(status="confirmed").count()
    assert session.status == ClassSession.Status.FULL
