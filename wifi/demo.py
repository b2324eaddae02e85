"""Demo data of the Wi-Fi registry: 5 machines at Mobara's public facilities.

Idempotent: machines are found by their number; usage months are added only
where missing. Dates are relative to today, so the renewal watch and the
year-end rule always have something to show: one agreement ends within 90 days,
and one machine was suspended over the last 31 March, so last year's count is 4.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from core.fiscal import current_fiscal_year, fiscal_year_dates
from core.models import Facility, User
from wifi.models import Activation, Inspection, Machine, MachineStatus, MonthlyUsage
from wifi.selectors import last_completed_quarter
from wifi.services import (
    activation_record,
    inspection_record,
    machine_create,
    machine_status_change,
)

OPERATOR = "房総ボトリング株式会社"
OPERATOR_2 = "ちばネットベンディング株式会社"
TRIGGER = "茂原市災害対策本部長(市長)または総務課長"


def _months_between(first: date, last: date) -> list[date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def _machines(today: date) -> list[dict]:
    last_year_end = fiscal_year_dates(current_fiscal_year() - 1)[1]
    return [
        {
            "code": "WV-001",
            "facility": "茂原市役所",
            "spot": "1階正面玄関横",
            "operator": OPERATOR,
            "bottler": "房総コカ・コーラボトリング",
            "ssid": "Mobara_City_Free_Wi-Fi",
            "start": today - timedelta(days=760),
            # About to end: shows on the renewal watch.
            "agreement_end": today + timedelta(days=45),
            "agreement_renewal_date": today + timedelta(days=15),
            "power_backup": Machine.PowerBackup.GENERATOR,
            "power_backup_hours": 72,
            "latitude": Decimal("35.428420"),
            "longitude": Decimal("140.288150"),
            "steps": [],
        },
        {
            "code": "WV-002",
            "facility": "茂原市中央公民館",
            "spot": "正面玄関前ロビー",
            "operator": OPERATOR,
            "ssid": "Mobara_City_Free_Wi-Fi",
            "start": today - timedelta(days=640),
            "agreement_end": today + timedelta(days=640),
            "power_backup": Machine.PowerBackup.BATTERY,
            "power_backup_hours": 24,
            "steps": [],
        },
        {
            "code": "WV-003",
            "facility": "茂原市本納公民館",
            "spot": "駐車場側入口横",
            "operator": OPERATOR_2,
            "ssid": "Mobara_Honno_Free",
            "start": today - timedelta(days=520),
            "agreement_end": today + timedelta(days=1300),
            "power_backup": Machine.PowerBackup.NONE,
            "steps": [
                (
                    MachineStatus.SUSPENDED,
                    today - timedelta(days=240),
                    "通信機器の故障(事業者修理待ち)",
                ),
                (MachineStatus.OPERATING, today - timedelta(days=215), "修理完了"),
            ],
        },
        {
            "code": "WV-004",
            "facility": "茂原市豊田公民館",
            "spot": "1階ホール入口横",
            "operator": OPERATOR_2,
            "ssid": "Mobara_Toyoda_Free",
            "start": today - timedelta(days=700),
            "agreement_end": today + timedelta(days=900),
            "power_backup": Machine.PowerBackup.BATTERY,
            "power_backup_hours": 12,
            # Suspended over the last 31 March: the year-end count leaves it out.
            "steps": [
                (
                    MachineStatus.SUSPENDED,
                    last_year_end - timedelta(days=10),
                    "館内電気設備の改修工事",
                ),
                (
                    MachineStatus.OPERATING,
                    min(last_year_end + timedelta(days=12), today),
                    "改修工事完了",
                ),
            ],
        },
        {
            "code": "WV-005",
            "facility": "茂原市総合市民センター",
            "spot": "西側駐車場 出入口付近",
            "operator": OPERATOR,
            "ssid": "Mobara_Civic_Free",
            "start": today - timedelta(days=480),
            "agreement_end": today + timedelta(days=1400),
            "power_backup": Machine.PowerBackup.SOLAR,
            "power_backup_hours": 48,
            "latitude": Decimal("35.423750"),
            "longitude": Decimal("140.278900"),
            "steps": [],
        },
    ]


def seed(stdout=None) -> None:
    today = timezone.localdate()
    somu = User.objects.filter(email="somu@example.jp").first()
    created = 0
    for spec in _machines(today):
        machine = Machine.objects.filter(code=spec["code"]).first()
        if machine is None:
            facility = Facility.objects.get(name=spec["facility"])
            start = spec["start"]
            machine = machine_create(
                data={
                    "code": spec["code"],
                    "facility": facility,
                    "spot": spec["spot"],
                    "operator": spec["operator"],
                    "bottler": spec.get("bottler", ""),
                    "agreement_type": Machine.AgreementType.DISASTER_SUPPORT,
                    "agreement_start": start - timedelta(days=30),
                    "agreement_end": spec["agreement_end"],
                    "agreement_renewal_date": spec.get("agreement_renewal_date"),
                    "trigger_authority": TRIGGER,
                    "ssid": spec["ssid"],
                    "session_limit_minutes": 60,
                    "power_backup": spec["power_backup"],
                    "power_backup_hours": spec.get("power_backup_hours"),
                    "emergency_contact": f"{spec['operator']} 緊急窓口 0120-000-{spec['code'][-3:]}",
                    "latitude": spec.get("latitude"),
                    "longitude": spec.get("longitude"),
                    "notes": "災害支援協定に基づき設置(デモデータ)",
                },
                status=MachineStatus.INSTALLED,
                effective_on=start,
                reason="災害支援協定に基づき設置",
                by=somu,
            )
            machine_status_change(
                machine=machine,
                status=MachineStatus.OPERATING,
                effective_on=start + timedelta(days=7),
                reason="接続確認を終えて運用開始",
                by=somu,
            )
            for status, day, reason in spec["steps"]:
                machine_status_change(
                    machine=machine, status=status, effective_on=day, reason=reason, by=somu
                )
            created += 1
        _seed_usage(machine, spec, today, somu)
        _seed_inspection_and_drill(machine, today, somu)
    if stdout is not None:
        stdout.write(f"wifi: {created} machines created, {Machine.objects.count()} in the registry")


def _seed_usage(machine: Machine, spec: dict, today: date, by) -> None:
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    months = _months_between(spec["start"] + timedelta(days=7), last_month)
    if machine.code == "WV-005":
        # One report of the last quarter never came: the dashboard asks for it.
        months.remove(last_completed_quarter(today)[-1])
    have = set(MonthlyUsage.objects.filter(machine=machine).values_list("month", flat=True))
    rng = random.Random(machine.code)  # the same figures on every run
    base = {"WV-001": 900, "WV-002": 650, "WV-003": 250, "WV-004": 320, "WV-005": 480}[machine.code]
    new = []
    for index, month in enumerate(months):
        if month in have:
            continue
        seasonal = 1.25 if month.month in (5, 8, 10, 11) else 1.0
        connections = int(base * seasonal * rng.uniform(0.8, 1.2)) + index * 5
        estimate = machine.code == "WV-003" and index % 4 == 3
        new.append(
            MonthlyUsage(
                machine=machine,
                month=month,
                connections=connections,
                distinct_users=None if estimate else int(connections * rng.uniform(0.35, 0.55)),
                data_mb=None if estimate else connections * rng.randint(40, 90),
                source=MonthlyUsage.Source.ESTIMATE
                if estimate
                else MonthlyUsage.Source.OPERATOR_REPORT,
                note="事業者からの月次報告(デモ)"
                if not estimate
                else "報告なしのため前後の月から推計(デモ)",
                recorded_by=by,
            )
        )
    # Demo history only: figures are facts as reported, not edits to audit one by one.
    MonthlyUsage.objects.bulk_create(new)


def _seed_inspection_and_drill(machine: Machine, today: date, by) -> None:
    if not Inspection.objects.filter(machine=machine).exists():
        inspection_record(
            machine=machine,
            data={
                "inspected_on": today - timedelta(days=60),
                "inspector": "総務課 DX推進係",
                "result": Inspection.Result.OK,
                "wifi_checked": True,
                "power_backup_checked": machine.power_backup != Machine.PowerBackup.NONE,
                "findings": "通常SSIDの接続と速度を確認。",
            },
            by=by,
        )
    if not Activation.objects.filter(machine=machine).exists():
        activation_record(
            machine=machine,
            data={
                "kind": Activation.Kind.DRILL,
                "started_on": today - timedelta(days=90),
                "duration_hours": Decimal("2.0"),
                "authorised_by": "総務課長(市総合防災訓練)",
                "disaster_ssid_opened": True,
                "free_vending": False,
                "notes": "00000JAPANの開放手順を確認。",
            },
            by=by,
        )
