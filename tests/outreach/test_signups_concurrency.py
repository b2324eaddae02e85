"""Two volunteers taking the last place at the same moment: exactly one gets it (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from core.refusals import Refusal
from outreach import services
from outreach.models import VolunteerSignup
from tests.volunteers.conftest import build_profile

Role = VolunteerSignup.Role
Status = VolunteerSignup.Status


def _race(callables):
    barrier = threading.Barrier(len(callables))
    results, errors = [], []

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in callables]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("racers", [2, 6])
def test_concurrent_signups_for_the_last_place_give_exactly_one(racers, make_user, make_session):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    session = make_session(instructor_places=1, assistant_places=1)
    profiles = [build_profile(make_user, status="active") for _ in range(racers)]
    results, errors = _race(
        [
            lambda p=p: services.signup_create(session=session, volunteer=p, role=Role.ASSISTANT)
            for p in profiles
        ]
    )
    assert errors == []
    assert len(results) == racers
    statuses = sorted(s.status for s in VolunteerSignup.objects.filter(session=session))
    assert statuses.count(Status.CONFIRMED) == 1
    assert statuses.count(Status.WAITLISTED) == racers - 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_by_one_volunteer_gives_one_row(make_user, make_session):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    session = make_session()
    profile = build_profile(make_user, status="active")
    results, errors = _race(
        [
            lambda: services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
            for _ in range(2)
        ]
    )
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], Refusal)
    assert VolunteerSignup.objects.filter(session=session, volunteer=profile).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cancel_racing_a_signup_never_overfills(make_user, make_session):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    session = make_session(assistant_places=1)
    holder = build_profile(make_user, status="active")
    waiting = build_profile(make_user, status="active")
    newcomer = build_profile(make_user, status="active")
    held = services.signup_create(session=session, volunteer=holder, role=Role.ASSISTANT)
    services.signup_create(session=session, volunteer=waiting, role=Role.ASSISTANT)
    _results, errors = _race(
        [
            lambda: services.signup_cancel(signup=held, by=holder.user),
            lambda: services.signup_create(
                session=session, volunteer=newcomer, role=Role.ASSISTANT
            ),
        ]
    )
    assert errors == []
    confirmed = VolunteerSignup.objects.filter(session=session, status=Status.CONFIRMED)
    assert confirmed.count() == 1
