"""seed_demo: 5 machines with a year of usage, one agreement ending soon; idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.fiscal import current_fiscal_year
from wifi.models import Machine, MonthlyUsage
from wifi.selectors import (
    agreements_ending_soon,
    kpi_machines_operating_at_year_end,
    machines_operating_on,
)


@pytest.mark.django_db
def test_seed_demo_creates_five_machines_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Machine.objects.count(), MonthlyUsage.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Machine.objects.count(), MonthlyUsage.objects.count()) == counts
    assert counts[0] == 5
    today = timezone.localdate()
    assert machines_operating_on(today).count() == 5
    for machine in Machine.objects.all():
        # A year and more of monthly figures (one machine misses one report on purpose).
        assert machine.usage.filter(month__gte=today - timedelta(days=430)).count() >= 12
    assert agreements_ending_soon(today).count() == 1
    # One machine was suspended over the last 31 March: the year-end rule is visible.
    assert kpi_machines_operating_at_year_end(current_fiscal_year() - 1).value == 4
