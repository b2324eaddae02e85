"""Two people recording the same status change at once: one wins, the other is told why."""

from datetime import date

import pytest
from django.db import connection

from core.refusals import Refusal
from wifi.models import MachineStatus, MachineStatusChange
from wifi.services import machine_status_change


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_suspensions_record_one_step(make_machine, dx_staff, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    machine = make_machine(history=[("operating", date(2025, 4, 1))])

    def suspend(_):
        try:
            machine_status_change(
                machine=machine,
                status=MachineStatus.SUSPENDED,
                reason="故障",
                by=dx_staff,
                effective_on=date(2025, 6, 1),
            )
        except Refusal as exc:
            return exc.message
        return "ok"

    outcomes = race(4, suspend)
    assert outcomes.errors == []
    assert outcomes.count("ok") == 1
    assert all("すでに「休止中」です" in o for o in outcomes if o != "ok")
    assert (
        MachineStatusChange.objects.filter(machine=machine, status=MachineStatus.SUSPENDED).count()
        == 1
    )
