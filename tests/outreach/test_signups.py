"""Volunteer sign-ups: approval and training gates, places, waiting list, cutoff, attendance."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from core.models import AuditEntry
from core.refusals import Refusal
from outreach import selectors, services
from outreach.models import ClassSession, Course, VolunteerSignup
from tests.outreach.conftest import jst
from tests.volunteers.conftest import build_profile

pytestmark = pytest.mark.django_db

Role = VolunteerSignup.Role
Status = VolunteerSignup.Status


@pytest.fixture
def make_profile(make_user):
    def _make(**kwargs):
        return build_profile(make_user, **kwargs)

    return _make


def test_applicant_cannot_sign_up_until_approved(make_profile, make_session, dx_staff, client_for):
    from volunteers.services import profile_approve

    profile = make_profile(status="applied")
    session = make_session()
    with pytest.raises(Refusal):
        services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
    # Without the volunteer role the pages are closed too.
    client = client_for(profile.user)
    assert client.get("/volunteering/classes/").status_code == 403
    assert (
        client.post(
            f"/volunteering/classes/{session.pk}/signup/", {"role": "assistant"}
        ).status_code
        == 403
    )
    profile_approve(profile=profile, by=dx_staff)
    profile.refresh_from_db()
    client = client_for(profile.user)  # roles are read once per request: a fresh client
    response = client.post(f"/volunteering/classes/{session.pk}/signup/", {"role": "assistant"})
    assert response.status_code == 302
    assert VolunteerSignup.objects.get(volunteer=profile).status == Status.CONFIRMED


@pytest.mark.parametrize("status", ["paused", "left"])
def test_paused_or_left_volunteer_cannot_sign_up(make_profile, make_session, status):
    profile = make_profile(status=status)
    with pytest.raises(Refusal):
        services.signup_create(session=make_session(), volunteer=profile, role=Role.ASSISTANT)


def test_instructor_needs_completed_training(make_profile, make_session, client_for):
    session = make_session()
    untrained = make_profile(status="active")
    with pytest.raises(Refusal, match="研修"):
        services.signup_create(session=session, volunteer=untrained, role=Role.INSTRUCTOR)
    # The same volunteer may help as an assistant.
    assert (
        services.signup_create(session=session, volunteer=untrained, role=Role.ASSISTANT).status
        == Status.CONFIRMED
    )
    trained = make_profile(status="active", trained=True)
    response = client_for(trained.user).post(
        f"/volunteering/classes/{session.pk}/signup/", {"role": "instructor"}
    )
    assert response.status_code == 302
    assert VolunteerSignup.objects.get(volunteer=trained).role == Role.INSTRUCTOR


def test_training_in_the_future_does_not_count(make_profile, make_session):
    from volunteers.models import TrainingRecord

    profile = make_profile(status="active")
    TrainingRecord.objects.create(
        profile=profile, course="研修", completed_on=timezone.localdate() + timedelta(days=3)
    )
    with pytest.raises(Refusal):
        services.signup_create(session=make_session(), volunteer=profile, role=Role.INSTRUCTOR)


def test_places_per_role_then_waiting_list(make_profile, make_session):
    session = make_session(instructor_places=1, assistant_places=1)
    a, b, c = (make_profile(status="active", trained=True) for _ in range(3))
    assert services.signup_create(session=session, volunteer=a, role=Role.INSTRUCTOR).status == (
        Status.CONFIRMED
    )
    assert services.signup_create(session=session, volunteer=b, role=Role.INSTRUCTOR).status == (
        Status.WAITLISTED
    )
    # The assistant place is separate.
    assert services.signup_create(session=session, volunteer=c, role=Role.ASSISTANT).status == (
        Status.CONFIRMED
    )
    assert AuditEntry.objects.filter(action="outreach.signup.created").count() == 3


def test_one_signup_per_volunteer_per_class(make_profile, make_session):
    session = make_session()
    profile = make_profile(status="active")
    services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
    with pytest.raises(Refusal):
        services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
    # And the database refuses a second row whatever the code does.
    with pytest.raises(IntegrityError):
        VolunteerSignup.objects.create(
            session=session, volunteer=profile, role=Role.ASSISTANT, status=Status.WAITLISTED
        )


def test_cancel_promotes_first_waiting_with_mail(
    make_profile, make_session, django_capture_on_commit_callbacks, client_for
):
    session = make_session(assistant_places=1)
    first, second, third = (make_profile(status="active") for _ in range(3))
    mine = services.signup_create(session=session, volunteer=first, role=Role.ASSISTANT)
    waiting_1 = services.signup_create(session=session, volunteer=second, role=Role.ASSISTANT)
    waiting_2 = services.signup_create(session=session, volunteer=third, role=Role.ASSISTANT)
    assert waiting_1.status == waiting_2.status == Status.WAITLISTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(first.user).post(f"/volunteering/signups/{mine.pk}/cancel/")
    assert response.status_code == 302
    mine.refresh_from_db()
    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert mine.status == Status.CANCELLED
    assert waiting_1.status == Status.CONFIRMED  # first come, first promoted
    assert waiting_2.status == Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [[second.user.email]]
    assert session.title in mail.outbox[0].subject
    assert AuditEntry.objects.filter(action="outreach.signup.promoted").count() == 1


def test_cancelling_a_waiting_entry_promotes_nobody(make_profile, make_session):
    session = make_session(assistant_places=1)
    a, b = make_profile(status="active"), make_profile(status="active")
    services.signup_create(session=session, volunteer=a, role=Role.ASSISTANT)
    waiting = services.signup_create(session=session, volunteer=b, role=Role.ASSISTANT)
    assert services.signup_cancel(signup=waiting, by=b.user) is None
    assert VolunteerSignup.objects.filter(status=Status.CONFIRMED).count() == 1


def test_promotion_skips_paused_volunteers(make_profile, make_session):
    session = make_session(assistant_places=1)
    a, paused, c = (make_profile(status="active") for _ in range(3))
    mine = services.signup_create(session=session, volunteer=a, role=Role.ASSISTANT)
    services.signup_create(session=session, volunteer=paused, role=Role.ASSISTANT)
    later = services.signup_create(session=session, volunteer=c, role=Role.ASSISTANT)
    paused.status = "paused"
    paused.save()
    assert services.signup_cancel(signup=mine, by=a.user) == later


def test_sign_up_again_after_cancelling_reuses_the_row(make_profile, make_session):
    session = make_session()
    profile = make_profile(status="active")
    signup = services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
    services.signup_cancel(signup=signup, by=profile.user)
    again = services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
    assert again.pk == signup.pk and again.status == Status.CONFIRMED


class TestCutoff:
    """Class on Friday 2026-04-10 10:00 JST; cutoff 2 days: cancel until Wed 8 April 23:59."""

    @pytest.fixture
    def signup(self, make_profile, make_session):
        session = make_session(starts_at=jst(2026, 4, 10, 10, 0))
        profile = make_profile(status="active")
        return services.signup_create(
            session=session, volunteer=profile, role=Role.ASSISTANT, now=jst(2026, 4, 1, 9, 0)
        )

    def test_cancel_allowed_at_2359_on_the_last_day(self, signup):
        services.signup_cancel(signup=signup, by=signup.volunteer.user, now=jst(2026, 4, 8, 23, 59))
        signup.refresh_from_db()
        assert signup.status == Status.CANCELLED

    def test_cancel_refused_at_midnight_with_whom_to_call(self, signup, settings):
        with pytest.raises(Refusal) as refused:
            services.signup_cancel(
                signup=signup, by=signup.volunteer.user, now=jst(2026, 4, 9, 0, 0)
            )
        assert settings.TSUNAGU["volunteers"]["contact_phone"] in str(refused.value)
        assert settings.TSUNAGU["sections"]["dx"] in str(refused.value)
        signup.refresh_from_db()
        assert signup.status == Status.CONFIRMED

    def test_staff_may_cancel_after_the_cutoff(self, signup, dx_staff):
        services.signup_cancel(signup=signup, by=dx_staff, now=jst(2026, 4, 9, 12, 0), staff=True)
        signup.refresh_from_db()
        assert signup.status == Status.CANCELLED

    def test_cutoff_is_configurable(self, signup, settings):
        settings.TSUNAGU = {
            **settings.TSUNAGU,
            "volunteers": {**settings.TSUNAGU["volunteers"], "signup_cancel_cutoff_days": 0},
        }
        services.signup_cancel(signup=signup, by=signup.volunteer.user, now=jst(2026, 4, 10, 8, 0))
        signup.refresh_from_db()
        assert signup.status == Status.CANCELLED


def test_page_after_cutoff_says_whom_to_call(make_profile, make_session, client_for, settings):
    session = make_session(starts_at=timezone.now() + timedelta(days=1))
    profile = make_profile(status="active")
    signup = services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
    client = client_for(profile.user)
    body = client.get(f"/volunteering/classes/{session.pk}/").content.decode()
    assert settings.TSUNAGU["volunteers"]["contact_phone"] in body
    assert f"/volunteering/signups/{signup.pk}/cancel/" not in body
    client.post(f"/volunteering/signups/{signup.pk}/cancel/")
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED


def test_staff_only_and_past_classes_take_no_volunteers(make_profile, make_session, make_course):
    profile = make_profile(status="active")
    staff_course = make_course(
        audience=Course.Audience.STAFF, category=Course.Category.SECURITY_TRAINING
    )
    with pytest.raises(Refusal):
        services.signup_create(
            session=make_session(course=staff_course), volunteer=profile, role=Role.ASSISTANT
        )
    past = make_session(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(Refusal):
        services.signup_create(session=past, volunteer=profile, role=Role.ASSISTANT)
    cancelled = make_session(status=ClassSession.Status.CANCELLED)
    with pytest.raises(Refusal):
        services.signup_create(session=cancelled, volunteer=profile, role=Role.ASSISTANT)


def test_staff_confirm_attendance_and_hours_per_fiscal_year(
    make_profile, make_session, dx_staff, client_for
):
    profile = make_profile(status="active")
    other = make_profile(status="active")
    # Two classes in FY2025 (one on 31 March 2026), one in FY2026 (1 April 2026).
    sessions = [
        make_session(starts_at=jst(2025, 10, 1, 10, 0), minutes=120),
        make_session(starts_at=jst(2026, 3, 31, 13, 0), minutes=90),
        make_session(starts_at=jst(2026, 4, 1, 10, 0), minutes=120),
    ]
    signups = []
    for session in sessions:
        signups.append(
            services.signup_create(
                session=session,
                volunteer=profile,
                role=Role.ASSISTANT,
                now=session.starts_at - timedelta(days=7),
            )
        )
        services.signup_create(
            session=session,
            volunteer=other,
            role=Role.ASSISTANT,
            now=session.starts_at - timedelta(days=7),
        )
    client = client_for(dx_staff)
    for session, signup in zip(sessions, signups, strict=True):
        response = client.post(
            f"/volunteering/staff/staffing/{session.pk}/attendance/", {f"came_{signup.pk}": "on"}
        )
        assert response.status_code == 302
    # An hour correction for the last class.
    client.post(
        f"/volunteering/staff/staffing/{sessions[2].pk}/attendance/",
        {f"came_{signups[2].pk}": "on", f"hours_{signups[2].pk}": "2.5"},
    )
    rows = {r["fiscal_year"]: r for r in selectors.hours_by_fiscal_year(profile)}
    assert rows[2025]["classes"] == 2 and rows[2025]["hours"] == Decimal("3.50")
    assert rows[2026]["classes"] == 1 and rows[2026]["hours"] == Decimal("2.50")
    assert selectors.hours_by_fiscal_year(other) == []  # marked as not come
    assert VolunteerSignup.objects.filter(volunteer=other, attended=False).count() == 3
    per_volunteer = list(selectors.hours_per_volunteer(2025))
    assert [(p.pk, p.classes, p.hours) for p in per_volunteer] == [(profile.pk, 2, Decimal("3.50"))]
    assert AuditEntry.objects.filter(action="outreach.signup.attendance_recorded").exists()


def test_attendance_cannot_be_recorded_before_the_class(make_profile, make_session, dx_staff):
    session = make_session()
    profile = make_profile(status="active")
    signup = services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
    with pytest.raises(Refusal):
        services.signup_record_attendance(session=session, by=dx_staff, came={signup.pk})


def test_reminder_mail_the_day_before_once(
    make_profile, make_session, django_capture_on_commit_callbacks
):
    tomorrow = make_session(starts_at=jst(2026, 6, 11, 10, 0))
    later = make_session(starts_at=jst(2026, 6, 12, 10, 0))
    profile = make_profile(status="active")
    for session in (tomorrow, later):
        services.signup_create(
            session=session, volunteer=profile, role=Role.ASSISTANT, now=jst(2026, 6, 1, 9, 0)
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.signup_reminders_send(now=jst(2026, 6, 10, 18, 0)) == 1
        assert services.signup_reminders_send(now=jst(2026, 6, 10, 19, 0)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [profile.user.email]
    assert tomorrow.title in mail.outbox[0].subject


def test_reminder_command_runs(make_profile, make_session):
    from django.core.management import call_command

    call_command("volunteer_signup_reminders")


def test_reminder_day_turns_at_midnight_jst(
    make_profile, make_session, django_capture_on_commit_callbacks
):
    session = make_session(starts_at=jst(2026, 4, 1, 10, 0))
    profile = make_profile(status="active")
    services.signup_create(
        session=session, volunteer=profile, role=Role.ASSISTANT, now=jst(2026, 3, 20, 9, 0)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.signup_reminders_send(now=jst(2026, 3, 30, 23, 59)) == 0
        assert services.signup_reminders_send(now=jst(2026, 3, 31, 0, 0)) == 1
    assert len(mail.outbox) == 1


def test_cancelled_class_sends_no_reminder(make_profile, make_session):
    session = make_session(starts_at=jst(2026, 6, 11, 10, 0))
    profile = make_profile(status="active")
    services.signup_create(
        session=session, volunteer=profile, role=Role.ASSISTANT, now=jst(2026, 6, 1, 9, 0)
    )
    ClassSession.objects.filter(pk=session.pk).update(status=ClassSession.Status.CANCELLED)
    assert services.signup_reminders_send(now=jst(2026, 6, 10, 18, 0)) == 0
