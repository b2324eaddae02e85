"""Two volunteers taking the last place at the same moment: exactly one gets it (PostgreSQL)."""

import pytest
from django.db import connection

from core.refusals import Refusal
from outreach import services
from outreach.models import VolunteerSignup
from tests.volunteers.conftest import build_profile

Role = VolunteerSignup.Role
Status = VolunteerSignup.Status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("racers", [2, 6])
def test_concurrent_signups_for_the_last_place_give_exactly_one(
    racers, make_user, make_session, race
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    session = make_session(instructor_places=1, assistant_places=1)
    profiles = [build_profile(make_user, status="active") for _ in range(racers)]
    outcomes = race(
        racers,
        lambda i: services.signup_create(
            session=session, volunteer=profiles[i], role=Role.ASSISTANT
        ),
    )
    assert outcomes.errors == []
    assert len(outcomes.values) == racers
    statuses = sorted(s.status for s in VolunteerSignup.objects.filter(session=session))
    assert statuses.count(Status.CONFIRMED) == 1
    assert statuses.count(Status.WAITLISTED) == racers - 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_by_one_volunteer_gives_one_row(make_user, make_session, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    session = make_session()
    profile = build_profile(make_user, status="active")
    outcomes = race(
        2, lambda _: services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
    )
    assert len(outcomes.values) == 1
    errors = outcomes.errors
    assert len(errors) == 1 and isinstance(errors[0], Refusal)
    assert VolunteerSignup.objects.filter(session=session, volunteer=profile).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cancel_racing_a_signup_never_overfills(make_user, make_session, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    session = make_session(assistant_places=1)
    holder = build_profile(make_user, status="active")
    waiting = build_profile(make_user, status="active")
    newcomer = build_profile(make_user, status="active")
    held = services.signup_create(session=session, volunteer=holder, role=Role.ASSISTANT)
    services.signup_create(session=session, volunteer=waiting, role=Role.ASSISTANT)
    moves = [
        lambda: services.signup_cancel(signup=held, by=holder.user),
        lambda: services.signup_create(session=session, volunteer=newcomer, role=Role.ASSISTANT),
    ]
    outcomes = race(len(moves), lambda i: moves[i]())
    assert outcomes.errors == []
    confirmed = VolunteerSignup.objects.filter(session=session, status=Status.CONFIRMED)
    assert confirmed.count() == 1
