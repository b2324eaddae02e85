"""Factories of the Wi-Fi registry tests."""

import itertools
from datetime import date

import pytest

from wifi.models import Machine, MachineStatusChange

_numbers = itertools.count(1)


@pytest.fixture
def make_machine(db, make_facility):
    """make_machine(history=[("operating", date(2025, 4, 1)), ...], **fields) → a machine.

    The history is written as recorded facts (bypassing the service) so tests can
    set up any past; ``Machine.status`` follows the last step.
    """

    def _make(history=(("operating", date(2024, 4, 1)),), facility=None, **fields) -> Machine:
        number = next(_numbers)
        facility = facility or make_facility()
        defaults = {
            "code": f"WV-T{number:03d}",
            "spot": "1階正面玄関横",
            "operator": "房総ボトリング株式会社",
            "ssid": f"Mobara_Free_{number}",
        }
        defaults.update(fields)
        last_status, last_day = history[-1] if history else ("planned", None)
        machine = Machine.objects.create(
            facility=facility, status=last_status, status_since=last_day, **defaults
        )
        for status, day in history:
            MachineStatusChange.objects.create(
                machine=machine, status=status, effective_on=day, reason="テスト"
            )
        return machine

    return _make
