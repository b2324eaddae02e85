"""Benchmark volume of lending: equipment, 自治会 and groups, N years of reservations and loans.

Called by ``manage.py generate_bench_data`` (see core/bench_data.py). N=10 gives
about 500 items, 300 organisations and 30,000 loans. Loans never overlap on one
item (the ItemDay rule holds): each item keeps the first day it is free again.
A few loans are out right now and a few reservations wait in the coming weeks,
so the desk, the kiosk and the availability calendar have today's work too.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from core.bench_data import DISTRICTS, Volume, bench_users, bulk_create, period, person_name
from core.roles import Role
from lending.models import (
    EquipmentType,
    Item,
    ItemDay,
    Loan,
    MaintenancePlan,
    MaintenanceRecord,
    Membership,
    Organisation,
    Reservation,
    ReservationLine,
)

# (name, category, tag prefix, digital-ready, share of the items, components)
TYPES = [
    ("プロジェクター", "projector", "MB-PJ", True, 0.16, ["本体", "電源ケーブル", "HDMIケーブル", "リモコン"]),
    ("スクリーン（80型）", "screen", "MB-SC", True, 0.10, ["スクリーン", "収納袋"]),
    ("タブレット端末", "tablet", "MB-TB", True, 0.20, ["本体", "充電器", "ケース"]),
    ("モバイルWi-Fiルーター", "wifi_router", "MB-WF", True, 0.10, ["本体", "充電ケーブル"]),
    ("ポータブル放送設備", "pa", "MB-PA", True, 0.08, ["アンプ", "ワイヤレスマイク2本", "電源ケーブル"]),
    ("ワンタッチテント", "tent", "MB-TN", False, 0.16, ["テント", "重り4個", "収納袋"]),
    ("LED投光器", "lighting", "MB-LT", False, 0.10, ["投光器", "三脚", "延長コード"]),
    ("延長コードリール", "other", "MB-CR", False, 0.10, ["コードリール"]),
]  # fmt: skip
EVENTS = [
    ("防災訓練", "地区の防災訓練で避難所運営の説明に使います"),
    ("夏祭り", "自治会の夏祭りの会場で使います"),
    ("敬老会", "敬老会で写真のスライドを映します"),
    ("スマホ勉強会", "自治会館でのスマホ勉強会で使います"),
    ("総会", "年次総会の資料を映します"),
    ("清掃活動", "地域清掃の受付で使います"),
    ("運動会", "地区運動会の本部テントとして使います"),
    ("子ども会行事", "子ども会の映画会で使います"),
]


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _types_and_items(volume: Volume, rng: random.Random) -> tuple[list, list[Item]]:
    types = bulk_create(
        EquipmentType,
        (
            EquipmentType(
                name=name,
                category=category,
                tag_prefix=prefix,
                is_digital_ready=digital,
                default_components=components,
                sort_order=i,
                description=f"{name}（貸出用）",
            )
            for i, (name, category, prefix, digital, _share, components) in enumerate(TYPES)
        ),
    )
    start, _end = period(volume.scale)
    items = []
    for kind, (_n, _c, prefix, _d, share, components) in zip(types, TYPES, strict=True):
        for number in range(1, max(2, round(volume.items * share)) + 1):
            items.append(
                Item(
                    equipment_type=kind,
                    tag_number=f"{prefix}-{number:03d}",
                    components=components,
                    storage_place=rng.choice(["本庁舎1階 倉庫A", "本庁舎1階 倉庫B", "別館 倉庫"]),
                    acquired_on=start - timedelta(days=rng.randrange(0, 400)),
                )
            )
    return types, bulk_create(Item, items)


def _organisations(volume: Volume, rng: random.Random) -> list[Organisation]:
    reps = list(bench_users(Role.ORG_REPRESENTATIVE))
    staff = bench_users(Role.LENDING_STAFF).first()
    organisations = []
    for n in range(volume.organisations):
        district = DISTRICTS[n % len(DISTRICTS)]
        neighbourhood = n % 5 != 4  # four in five are 自治会・町内会
        organisations.append(
            Organisation(
                name=f"{district}{'第' + str(n // len(DISTRICTS) + 1) + '自治会' if neighbourhood else '市民活動グループ' + str(n)}",
                kind=Organisation.Kind.NEIGHBOURHOOD if neighbourhood else Organisation.Kind.CIVIC,
                district=f"{district}地区",
                representative_name=reps[n].full_name if n < len(reps) else person_name(rng),
                representative_phone=f"0475-{rng.randint(20, 39)}-{rng.randint(1000, 9999)}",
                is_verified=True,
            )
        )
    organisations = bulk_create(Organisation, organisations)
    bulk_create(
        Membership,
        (
            Membership(
                organisation=org,
                user=rep,
                status=Membership.Status.VERIFIED,
                position="会長",
                verified_by=staff,
                verified_at=timezone.now() - timedelta(days=365),
            )
            for org, rep in zip(organisations, reps, strict=False)
        ),
    )
    return organisations


def _maintenance(types, items, loans, staff, start, today, rng: random.Random) -> int:
    """The plans 生活課 keeps (as the demo's) and what it recorded under them: every tablet
    reset the day after each loan came back and at least every 30 days, every router's SIM
    contract checked once a year. The desk reads the latest of these for each unit."""
    kinds = {kind.category: kind for kind in types}
    tablets = MaintenancePlan.objects.create(
        equipment_type=kinds["tablet"],
        name="リセット・充電・OS更新",
        tasks="データを消去して初期化し、満充電にし、OSとアプリを更新する。",
        interval_days=30,
        after_each_loan=True,
        starts_on=start,
    )
    routers = MaintenancePlan.objects.create(
        equipment_type=kinds["wifi_router"],
        name="SIM契約の確認",
        tasks="通信契約の期間と残りの容量を確認する。",
        interval_days=365,
        starts_on=start,
    )
    done: dict[tuple[int, int], set] = {}
    for loan in loans:
        if loan.returned_at and loan.item.equipment_type_id == tablets.equipment_type_id:
            day = timezone.localdate(loan.returned_at) + timedelta(days=1)
            done.setdefault((loan.item_id, tablets.pk), set()).add(day)
    for item in items:
        plan, every = {
            tablets.equipment_type_id: (tablets, 30),
            routers.equipment_type_id: (routers, 365),
        }.get(item.equipment_type_id, (None, 0))
        if plan is None:
            continue
        # The regular rounds, a few days late now and then; the latest may be overdue.
        day = start + timedelta(days=rng.randrange(every))
        while day < today:
            done.setdefault((item.pk, plan.pk), set()).add(day)
            day += timedelta(days=every + rng.choice([0, 0, 1, 3]))
    return len(
        bulk_create(
            MaintenanceRecord,
            (
                MaintenanceRecord(
                    item_id=item_id,
                    plan_id=plan_id,
                    done_on=day,
                    done_by=rng.choice(staff),
                    work="定期の点検・整備",
                    result=MaintenanceRecord.Result.DONE,
                    cost_yen=0,
                    recorded_at=_at(day, 16),
                )
                for (item_id, plan_id), days in sorted(done.items())
                for day in sorted(days)
                if day < today
            ),
        )
    )


def generate(scale: int, rng: random.Random) -> dict[str, int]:
    volume = Volume(scale)
    start, today = period(scale)
    types, items = _types_and_items(volume, rng)
    organisations = _organisations(volume, rng)
    reps = {m.organisation_id: m.user_id for m in Membership.objects.all()}
    staff = list(bench_users(Role.LENDING_STAFF))
    kiosk = bench_users(Role.KIOSK).first()
    by_type: dict[int, list[Item]] = {}
    for item in items:
        by_type.setdefault(item.equipment_type_id, []).append(item)
    free_from = {item.pk: start for item in items}
    # A few busy 自治会 borrow most: weights fall off along the list.
    weights = [1 / (1 + i / 20) for i in range(len(organisations))]

    reservations, lines, loans_by_reservation = [], [], []
    day = start
    horizon = today + timedelta(days=60)
    # Reservations per day vary around the mean that gives volume.loans loans
    # (1.67 items per reservation on average).
    per_day = volume.loans / max(1, (today - start).days) / 1.67
    while day <= horizon:
        for _ in range(rng.randrange(0, round(per_day * 2) + 1)):
            kind = rng.choice(types)
            length = rng.choice([1, 2, 2, 3, 3, 4, 5, 7])
            pickup, ret = day, day + timedelta(days=length)
            wanted = rng.choice([1, 1, 1, 2, 2, 3])
            free = [i for i in by_type[kind.pk] if free_from[i.pk] <= pickup]
            if not free:
                continue
            chosen = rng.sample(free, min(wanted, len(free)))
            for item in chosen:
                free_from[item.pk] = ret + timedelta(days=1)
            organisation = organisations[rng.choices(range(len(organisations)), weights=weights)[0]]
            event, purpose = rng.choice(EVENTS)
            desk = rng.choice(staff)
            if ret < today:
                state = Reservation.State.CLOSED
            elif pickup <= today:
                state = Reservation.State.HANDED_OUT
            else:
                state = rng.choice([Reservation.State.REQUESTED, Reservation.State.APPROVED])
            requested = _at(pickup - timedelta(days=rng.randint(3, 40)), 9)
            out = state in (Reservation.State.CLOSED, Reservation.State.HANDED_OUT)
            reservations.append(
                Reservation(
                    organisation=organisation,
                    state=state,
                    pickup_date=pickup,
                    return_date=ret,
                    event_name=event,
                    purpose=purpose,
                    event_place=f"{organisation.district}集会所",
                    declaration=True,
                    requested_by_id=reps.get(organisation.pk),
                    decided_by=desk if state != Reservation.State.REQUESTED else None,
                    decided_at=requested + timedelta(days=1)
                    if state != Reservation.State.REQUESTED
                    else None,
                    handed_out_at=_at(pickup, 10) if out else None,
                    returned_at=_at(ret, 15) if state == Reservation.State.CLOSED else None,
                    closed_at=_at(ret + timedelta(days=1), 11)
                    if state == Reservation.State.CLOSED
                    else None,
                    created_at=requested,
                )
            )
            lines.append((kind, len(chosen)))
            loans_by_reservation.append((chosen, pickup, ret, state, desk))
        day += timedelta(days=1)

    reservations = bulk_create(Reservation, reservations)
    bulk_create(
        ReservationLine,
        (
            ReservationLine(reservation=r, equipment_type=kind, quantity=qty)
            for r, (kind, qty) in zip(reservations, lines, strict=True)
        ),
    )
    loans = []
    for reservation, (chosen, pickup, ret, state, desk) in zip(
        reservations, loans_by_reservation, strict=True
    ):
        for item in chosen:
            closed = state == Reservation.State.CLOSED
            out = closed or state == Reservation.State.HANDED_OUT
            at_kiosk = closed and rng.random() < 0.6
            loans.append(
                Loan(
                    reservation=reservation,
                    item=item,
                    due_date=ret,
                    handed_out_at=_at(pickup, 10) if out else None,
                    handed_out_by=desk if out else None,
                    was_digital_ready=out and item.equipment_type.is_digital_ready,
                    returned_at=_at(ret, 15) if closed else None,
                    parts_checked_at=_at(ret, 15) if closed else None,
                    returned_by=(kiosk if at_kiosk else desk) if closed else None,
                    returned_via=(Loan.Via.KIOSK if at_kiosk else Loan.Via.COUNTER)
                    if closed
                    else "",
                    inspected_at=_at(ret + timedelta(days=1), 11) if closed else None,
                    inspected_by=desk if closed else None,
                    inspection_result=Loan.Inspection.OK if closed else "",
                )
            )
    loans = bulk_create(Loan, loans)
    bulk_create(
        ItemDay,
        (
            ItemDay(
                item_id=loan.item_id,
                day=loan.reservation.pickup_date + timedelta(days=d),
                loan=loan,
            )
            for loan in loans
            for d in range((loan.due_date - loan.reservation.pickup_date).days + 1)
        ),
    )
    on_loan = [loan.item_id for loan in loans if loan.handed_out_at and not loan.returned_at]
    Item.objects.filter(pk__in=on_loan).update(status=Item.Status.ON_LOAN)
    records = _maintenance(types, items, loans, staff, start, today, rng)
    return {
        "equipment types": len(types),
        "items": len(items),
        "organisations": len(organisations),
        "reservations": len(reservations),
        "loans": len(loans),
        "loans out today": len(on_loan),
        "occupied item-days": ItemDay.objects.count(),
        "maintenance records": records,
    }
