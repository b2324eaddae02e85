"""Database constraints of the class models hold even for careless callers."""

import pytest
from django.db import IntegrityError, transaction

from outreach.models import Attendance, ClassSession, normalise_phone, person_key_for


def test_phone_numbers_written_differently_normalise_to_the_same_digits():
    assert (
        normalise_phone("0475-23-2111")
        == normalise_phone("０４７５（２３）２１１１")
        == "0475232111"
    )


def test_person_key_matches_spacing_and_width_variants_but_needs_both_parts():
    assert person_key_for("茂原 花子", "0475-23-2111") == person_key_for("茂原　花子", "0475232111")
    assert person_key_for("茂原 花子", "") == ""


@pytest.mark.django_db
def test_confirmed_count_can_never_exceed_capacity(make_session):
    session = make_session(capacity=1)
    ClassSession.objects.filter(pk=session.pk).update(confirmed_count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClassSession.objects.filter(pk=session.pk).update(confirmed_count=2)


@pytest.mark.django_db
def test_an_application_can_have_only_one_attendance(make_session, make_application):
    session = make_session()
    application = make_application(session)
    Attendance.objects.create(session=session, application=application, status="attended")
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=session, application=application, status="absent")


@pytest.mark.django_db
def test_the_same_person_cannot_hold_two_active_applications_for_one_session(
    make_session, make_application
):
    session = make_session()
    make_application(session, name="茂原 一郎", phone="0475-11-1111")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_application(session, name="茂原　一郎", phone="0475111111")
