"""generate_bench_data: the benchmark volume, deterministic, never on a database with accounts."""

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from core import bench_data
from core.bench_data import Volume, bench_users
from core.models import Facility, User
from core.roles import Role


def test_ten_years_is_the_volume_the_issue_names():
    volume = Volume(10)
    assert (volume.items, volume.organisations, volume.loans) == (500, 300, 30_000)
    assert (volume.sessions, volume.applications, volume.wifi_machines) == (2_500, 50_000, 10)


@pytest.mark.django_db
def test_generate_bench_data_refuses_a_database_that_has_accounts(make_user):
    make_user(email="real.person@example.jp")
    with pytest.raises(CommandError, match="already has accounts"):
        call_command("generate_bench_data", scale=1)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_generate_bench_data_refuses_an_absurd_scale():
    with pytest.raises(CommandError, match="between 1 and 20"):
        call_command("generate_bench_data", scale=0)


@pytest.mark.django_db
def test_core_part_creates_accounts_for_every_role_and_is_deterministic():
    def names():
        with transaction.atomic():
            bench_data.generate(1, random.Random("seed:core"))
            result = list(User.objects.order_by("email").values_list("email", "full_name"))
            facilities = Facility.objects.count()
            transaction.set_rollback(True)
        return result, facilities

    first, facilities = names()
    second, _ = names()
    assert first == second
    assert facilities >= 20
    volume = Volume(1)
    with transaction.atomic():
        bench_data.generate(1, random.Random("seed:core"))
        assert bench_users(Role.ORG_REPRESENTATIVE).count() == volume.organisations
        assert bench_users(Role.VOLUNTEER).count() == volume.volunteers
        assert bench_users(Role.KIOSK).count() == volume.kiosks
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_one_year_of_bench_data_fills_every_app_within_its_rules():
    """The whole generator at N=1, on this database with every constraint in force."""
    from lending.models import Item, Loan
    from outreach.models import Application, ClassSession
    from wifi.models import Machine, MonthlyUsage

    call_command("generate_bench_data", scale=1)

    volume = Volume(1)
    assert Item.objects.count() == volume.items
    assert Loan.objects.count() >= volume.loans * 0.7
    assert Loan.objects.filter(handed_out_at__isnull=False, returned_at__isnull=True).exists()
    assert ClassSession.objects.count() == volume.sessions
    assert Application.objects.count() >= volume.applications * 0.8
    assert Machine.objects.count() == volume.wifi_machines
    assert MonthlyUsage.objects.exists()
