"""Demo data: volunteers in every state; classes both fully and under staffed."""

import pytest
from django.utils import timezone

from outreach.models import ClassSession, VolunteerSignup
from outreach.selectors import staffing_of, staffing_overview
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


def _seed_all():
    from core import demo as core_demo
    from outreach import demo as outreach_demo
    from volunteers import demo as volunteers_demo

    # The order seed_demo uses (INSTALLED_APPS); outreach seeds the classes, then the
    # volunteers' sign-ups on them.
    core_demo.seed()
    volunteers_demo.seed()
    outreach_demo.seed()


def test_demo_has_volunteers_in_each_state_and_staffed_and_understaffed_classes():
    _seed_all()
    assert set(VolunteerProfile.objects.values_list("status", flat=True)) == set(
        VolunteerProfile.Status.values
    )
    ichiro = VolunteerProfile.objects.get(user__email="volunteer@example.jp")
    assert ichiro.may_sign_up and ichiro.is_trained()
    staffing = [staffing_of(s) for s in staffing_overview()]
    assert any(s.is_staffed for s in staffing)
    assert any(not s.is_staffed for s in staffing)
    assert VolunteerSignup.objects.filter(status=VolunteerSignup.Status.WAITLISTED).exists()
    assert VolunteerSignup.objects.filter(
        attended=True, session__starts_at__lt=timezone.now()
    ).exists()


def test_demo_is_idempotent():
    _seed_all()
    counts = (
        VolunteerProfile.objects.count(),
        VolunteerSignup.objects.count(),
        ClassSession.objects.count(),
    )
    _seed_all()
    assert counts == (
        VolunteerProfile.objects.count(),
        VolunteerSignup.objects.count(),
        ClassSession.objects.count(),
    )


def test_demo_people_hear_about_their_classes_through_the_outbox(make_user):
    from core import demo as core_demo
    from core.models import Message
    from core.roles import Role
    from core.selectors import call_list
    from outreach.selectors import released_signups

    _seed_all()
    counts = Message.objects.count()
    _seed_all()  # idempotent: no story runs twice, nobody is told twice
    assert Message.objects.count() == counts
    core_demo.settle_outbox()
    calls = call_list(make_user(Role.DX_STAFF))
    sasaki = calls.get(event="outreach.application.promoted")
    assert (sasaki.name, sasaki.phone) == ("佐々木 幸子", "0475-22-4411")
    assert calls.filter(event="outreach.session.cancelled").exists()  # phone only
    outreach = Message.objects.filter(event__startswith="outreach.")
    assert outreach.filter(status=Message.Status.SENT).exists()
    assert outreach.filter(status=Message.Status.FAILED).exists()
    assert outreach.filter(event="outreach.session.changed").exists()
    ichiro = VolunteerProfile.objects.get(user__email="volunteer@example.jp")
    released = released_signups(ichiro).get()
    assert released.session.status == ClassSession.Status.CANCELLED
    assert released.session.cancel_reason
