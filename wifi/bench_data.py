"""Benchmark volume of the Wi-Fi registry: 10 machines with their history and monthly usage."""

import random
from datetime import date, timedelta

from core.bench_data import Volume, bulk_create, period
from core.models import Facility
from wifi.models import Machine, MachineStatus, MachineStatusChange, MonthlyUsage


def _months(first: date, last: date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def generate(scale: int, rng: random.Random) -> dict[str, int]:
    volume = Volume(scale)
    start, today = period(scale)
    facilities = list(Facility.objects.all())
    machines, changes, usage = [], [], []
    for n in range(volume.wifi_machines):
        installed = start + timedelta(days=rng.randint(0, max(1, (today - start).days // 2)))
        removed = n == 0 and scale > 1  # one machine was taken away again
        machine = Machine(
            code=f"WV-{n + 1:03d}",
            facility=facilities[n % len(facilities)],
            spot="正面玄関横",
            operator="房総ボトリング株式会社",
            ssid=f"Mobara_Free_Wi-Fi_{n + 1}",
            status=MachineStatus.REMOVED if removed else MachineStatus.OPERATING,
            status_since=today - timedelta(days=30) if removed else installed,
            agreement_start=installed,
        )
        machines.append(machine)
    machines = bulk_create(Machine, machines)
    for machine in machines:
        installed = machine.agreement_start
        changes.append(
            MachineStatusChange(
                machine=machine,
                status=MachineStatus.OPERATING,
                effective_on=installed,
                reason="設置・運用開始",
            )
        )
        last = today
        if machine.status == MachineStatus.REMOVED:
            changes.append(
                MachineStatusChange(
                    machine=machine,
                    status=MachineStatus.REMOVED,
                    effective_on=machine.status_since,
                    reason="契約満了により撤去",
                )
            )
            last = machine.status_since
        for month in _months(installed, last):
            connections = rng.randint(80, 900)
            usage.append(
                MonthlyUsage(
                    machine=machine,
                    month=month,
                    connections=connections,
                    distinct_users=rng.randint(connections // 4, connections // 2),
                    data_mb=connections * rng.randint(20, 80),
                    source=MonthlyUsage.Source.OPERATOR_REPORT,
                )
            )
    bulk_create(MachineStatusChange, changes)
    bulk_create(MonthlyUsage, usage)
    return {"Wi-Fi machines": len(machines), "monthly usage rows": len(usage)}
