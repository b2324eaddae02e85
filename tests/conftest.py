"""Shared personas and factories for every app's tests."""

import importlib
import itertools
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connections
from django.db.models.signals import post_migrate
from django.test import Client
from django.utils import timezone, translation

from core.models import Facility, User
from core.roles import Role
from tests.site_catalog import seeded_site  # noqa: F401 - the demo site, seeded once per module

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery"  # noqa: S105 - test-only
# A race whose threads are not all at the start line or not done by then is
# stuck (a deadlock, a lock never released): fail instead of hanging the suite.
RACE_TIMEOUT = 120
# What data migrations write, by app label: [(migration module, its forward function)].
MIGRATION_DATA = {
    "kpi": [
        ("kpi.migrations.0002_load_policy_kpis", "load"),
        ("kpi.migrations.0005_load_policy_measures", "load"),
    ],
    "outreach": [("outreach.migrations.0002_standard_courses", "create")],
}


def restore_migration_data(sender, plan=None, **kwargs) -> None:
    """After a flush, put back the rows that data migrations wrote (policy KPIs, courses).

    A transactional test ends with a flush, which empties every table and then
    sends post_migrate: core.roles recreates the role groups, but nothing
    recreated the data migrations' rows, so only the first transactional test on
    a database saw them, and under xdist which test is first changes from run to
    run. ``serialized_rollback`` is no cure: its snapshot re-inserts the role
    groups by primary key next to the ones post_migrate already recreated
    (duplicate group name); see ``pytest_collection_modifyitems``.
    migrate sends post_migrate with its plan; only a flush sends none.
    """
    if plan is None and sender.label in MIGRATION_DATA:
        for module, function in MIGRATION_DATA[sender.label]:
            getattr(importlib.import_module(module), function)(apps, None)


post_migrate.connect(restore_migration_data, dispatch_uid="tests_restore_migration_data")


def pytest_collection_modifyitems(items) -> None:
    """Refuse serialized_rollback: restore_migration_data already restores what a flush removes."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        serialized = (marker is not None and marker.kwargs.get("serialized_rollback")) or (
            "django_db_serialized_rollback" in getattr(item, "fixturenames", ())
        )
        if serialized:
            raise pytest.UsageError(
                f"{item.nodeid}: serialized_rollback is not used in this suite: its snapshot "
                "clashes with the role groups that post_migrate recreates after each flush "
                "(duplicate group name), and every flush already restores the roles and the "
                "data migrations' rows (tests/conftest.py, restore_migration_data)."
            )


@pytest.fixture(autouse=True)
def empty_cache():
    """Nothing cached by one test (a public page, a rate limit) shows in the next."""
    caches["default"].clear()


@pytest.fixture(autouse=True)
def japanese():
    """Every test starts in Japanese, the default language of the product."""
    translation.activate("ja")
    yield
    translation.deactivate()


# A day in the middle of a fiscal year, for tests whose meaning needs "this fiscal year" to
# hold yesterday, next fortnight or a term's worth of demo classes.
MID_YEAR = (2026, 11, 30, 12, 0)


@pytest.fixture
def mid_year_clock(monkeypatch):
    """The clock as if it were MID_YEAR (Japan time), moving on from there as real time does
    (a clock that stood still would give every row the same created_at). Without it such a
    test fails from late March to April, when the real year is young; with it the test says
    the same thing every day. Patches ``django.utils.timezone.now``, which everything in the
    project and ``localdate()`` read the time from."""
    start = datetime(*MID_YEAR, tzinfo=timezone.get_default_timezone())
    real_now = timezone.now
    began = real_now()
    monkeypatch.setattr(timezone, "now", lambda: start + (real_now() - began))
    return start


@pytest.fixture
def make_user(db):
    """make_user(role=Role.KIOSK, email=...) → a verified user with that role (or none)."""

    def _make(
        role: str | None = None, *, email: str | None = None, full_name: str = "", **extra
    ) -> User:
        email = email or f"user{next(_counter)}@example.jp"
        user = User.objects.create_user(
            email=email, password=PASSWORD, full_name=full_name or email, **extra
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return _make


@pytest.fixture
def lending_staff(make_user):
    return make_user(Role.LENDING_STAFF, full_name="生活課 職員")


@pytest.fixture
def dx_staff(make_user):
    return make_user(Role.DX_STAFF, full_name="総務課 職員")


@pytest.fixture
def volunteer_user(make_user):
    return make_user(Role.VOLUNTEER, full_name="支援員 一郎")


@pytest.fixture
def org_rep_user(make_user):
    return make_user(Role.ORG_REPRESENTATIVE, full_name="自治会 代表")


@pytest.fixture
def kiosk_user(make_user):
    return make_user(Role.KIOSK, full_name="キオスク")


@pytest.fixture
def client_for():
    """client_for(user) → a Django test client signed in as ``user``."""

    def _client(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client


@pytest.fixture
def make_facility(db):
    def _make(name: str | None = None, **extra) -> Facility:
        name = name or f"テスト公民館{next(_counter)}"
        defaults = {"name_kana": "テストコウミンカン", "address": "千葉県茂原市道表1番地", **extra}
        return Facility.objects.create(name=name, **defaults)

    return _make


class RaceOutcomes(list):
    """What each racer returned or raised, in racer order."""

    @property
    def errors(self) -> list[BaseException]:
        return [outcome for outcome in self if isinstance(outcome, BaseException)]

    @property
    def values(self) -> list[Any]:
        return [outcome for outcome in self if not isinstance(outcome, BaseException)]


@pytest.fixture
def race() -> Callable[[int, Callable[[int], Any]], RaceOutcomes]:
    """race(count, work) → RaceOutcomes: ``count`` threads run work(index) at the same moment.

    Each thread waits at one barrier, so their transactions truly overlap, and
    closes its own database connections when done. What a thread raises is
    returned in its place (``outcomes.errors``), never lost with the thread.
    Use it in ``django_db(transaction=True)`` tests: the racers' connections do
    not see a test transaction that was never committed.
    """

    def _race(count: int, work: Callable[[int], Any]) -> RaceOutcomes:
        barrier = threading.Barrier(count)
        outcomes = RaceOutcomes([None] * count)

        def run(index: int) -> None:
            try:
                barrier.wait(timeout=RACE_TIMEOUT)
                outcomes[index] = work(index)
            except BaseException as exc:  # noqa: BLE001 - handed back to the test
                outcomes[index] = exc
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=run, args=(index,), name=f"racer-{index}", daemon=True)
            for index in range(count)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + RACE_TIMEOUT
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        stuck = [thread.name for thread in threads if thread.is_alive()]
        assert not stuck, f"racers still running after {RACE_TIMEOUT} s: {stuck}"
        return outcomes

    return _race
