"""The test suite's own shared machinery: what a flush leaves behind, and the race fixture."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from core.roles import Role
from kpi.models import KpiDefinition
from outreach.models import Course


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_roles_policy_kpis_and_courses_that_migrate_made():
    before = (
        set(Group.objects.values_list("name", flat=True)),
        set(KpiDefinition.objects.values_list("code", flat=True)),
        set(Course.objects.values_list("code", flat=True)),
    )
    call_command("flush", interactive=False, verbosity=0)
    after = (
        set(Group.objects.values_list("name", flat=True)),
        set(KpiDefinition.objects.values_list("code", flat=True)),
        set(Course.objects.values_list("code", flat=True)),
    )
    assert after == before
    assert {role.value for role in Role} <= after[0]
    assert len(after[1]) == 5
    assert after[2]


def test_race_hands_back_each_racers_result_or_exception_in_order(race):
    def work(index):
        if index == 1:
            raise LookupError("racer 1")
        return index * 10

    outcomes = race(3, work)
    assert outcomes[0] == 0 and outcomes[2] == 20
    assert isinstance(outcomes[1], LookupError)
    assert outcomes.values == [0, 20]
    assert [str(error) for error in outcomes.errors] == ["racer 1"]
