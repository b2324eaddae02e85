"""Demo data of the lending desk: equipment, groups of Mobara, loans now and in past years.

Idempotent: types, items and organisations are found by name / 備品番号; each
demo reservation carries a key in its staff notes ("demo:<key>") and is created
once. Everything goes through the services, so the audit trail and the
occupancy rows are the real thing. Names, people and phone numbers are made up.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from core import office_calendar
from core.fiscal import fiscal_year_dates
from core.models import User
from core.roles import Role
from lending.models import (
    EquipmentType,
    Item,
    ItemDay,
    Kit,
    Loan,
    MaintenancePlan,
    MaintenanceRecord,
    Membership,
    Organisation,
    RepresentativeInvitation,
    Reservation,
    ReservationLine,
    Stocktake,
)
from lending.services import (
    kit_save,
    loan_hand_out,
    loan_inspect,
    loan_return,
    reservation_approve,
    reservation_release_unhanded,
    reservation_request,
    reservations_send_overdue_notices,
    reservations_send_pickup_reminders,
)

ALL = []
NEIGHBOURHOOD_ONLY = [Organisation.Kind.NEIGHBOURHOOD]

# name, category, tag prefix, digital, count, components, eligible, description, usage notes
EQUIPMENT = [
    (
        "プロジェクター",
        EquipmentType.Category.PROJECTOR,
        "MB-PJ",
        True,
        4,
        ["本体", "電源ケーブル", "リモコン", "HDMIケーブル", "収納バッグ"],
        ALL,
        "3,500ルーメン。明るい部屋でも映せます。パソコンやスマートフォンとHDMIでつなぎます。",
        "レンズに触れないでください。使用後は冷えてから収納バッグへ。",
    ),
    (
        "スクリーン（80インチ自立式）",
        EquipmentType.Category.SCREEN,
        "MB-SC",
        False,
        3,
        ["スクリーン本体", "脚", "収納ケース"],
        ALL,
        "床に置いて立てる80インチのスクリーンです。",
        "巻き取るときは手を添えてゆっくり戻してください。",
    ),
    (
        "タブレット",
        EquipmentType.Category.TABLET,
        "MB-TB",
        True,
        10,
        ["本体", "充電器", "USBケーブル", "保護ケース"],
        ALL,
        "10インチのタブレット。スマホ教室や会議資料の表示に使えます。",
        "個人のアカウントでログインしたままにしないでください。返却後に初期化します。",
    ),
    (
        "モバイルWi-Fiルーター",
        EquipmentType.Category.WIFI_ROUTER,
        "MB-WF",
        True,
        5,
        ["本体", "充電器", "USBケーブル"],
        ALL,
        "集会所などでインターネットを使うための持ち運べるWi-Fiです（月の通信量に上限があります）。",
        "動画の長時間再生は通信量を多く使います。",
    ),
    (
        "音響（PA）セット",
        EquipmentType.Category.PA,
        "MB-PA",
        False,
        3,
        [
            "アンプ付きスピーカー",
            "ワイヤレスマイク1",
            "ワイヤレスマイク2",
            "マイクスタンド",
            "電源コード",
            "予備電池",
        ],
        ALL,
        "屋外の行事でも使えるスピーカーとワイヤレスマイク2本のセットです。",
        "マイクの電池は使用後に抜いてください。",
    ),
    (
        "集会用テント（3.6m×5.4m）",
        EquipmentType.Category.TENT,
        "MB-TN",
        False,
        6,
        ["テント幕", "フレーム", "おもり4個", "収納袋"],
        NEIGHBOURHOOD_ONLY,
        "自治会の行事や防災訓練向けのワンタッチテントです。",
        "雨に濡れたときは乾かしてから返却してください。",
    ),
    (
        "LED投光器",
        EquipmentType.Category.LIGHTING,
        "MB-LT",
        False,
        4,
        ["投光器", "三脚", "延長コード"],
        ALL,
        "夜間の行事や防災訓練用の照明です。",
        "点灯中と消灯直後は熱くなります。",
    ),
]

ORGANISATIONS = [
    ("本納中央自治会", "ホンノウチュウオウジチカイ", "本納地区", "鈴木 一郎"),
    ("豊田南自治会", "トヨダミナミジチカイ", "豊田地区", "高橋 和子"),
    ("東郷台町内会", "トウゴウダイチョウナイカイ", "東郷地区", "田中 実"),
    ("二宮本郷自治会", "ニノミヤホンゴウジチカイ", "二宮地区", "伊藤 正"),
    ("五郷東自治会", "ゴゴウヒガシジチカイ", "五郷地区", "渡辺 幸子"),
    ("鶴枝中部自治会", "ツルエダチュウブジチカイ", "鶴枝地区", "山本 博"),
    ("豊岡西自治会", "トヨオカニシジチカイ", "豊岡地区", "中村 弘子"),
    ("茂原駅前町内会", "モバラエキマエチョウナイカイ", "茂原地区", "小林 茂"),
    ("中の島自治会", "ナカノシマジチカイ", "中の島地区", "加藤 恵子"),
    ("東部台自治会", "トウブダイジチカイ", "東部地区", "吉田 清"),
    ("早野新田自治会", "ハヤノシンデンジチカイ", "二宮地区", "山田 節子"),
    ("本納駅前町内会", "ホンノウエキマエチョウナイカイ", "本納地区", "佐々木 勇"),
]
CIVIC = [
    (
        "もばらデジタル見守り隊",
        "モバラデジタルミマモリタイ",
        "茂原地区",
        "松本 由美",
        Organisation.Kind.CIVIC,
    ),
    (
        "茂原七夕まつり協賛会",
        "モバラタナバタマツリキョウサンカイ",
        "茂原地区",
        "井上 隆",
        Organisation.Kind.OTHER,
    ),
]
REPRESENTATIVE_EMAIL = "jichikai@example.jp"
REPRESENTED = "本納中央自治会"


def _open_on_or_after(day: date) -> date:
    return office_calendar.next_open_day(day)


def _open_on_or_before(day: date) -> date:
    while not office_calendar.is_open_day(day):
        day -= timedelta(days=1)
    return day


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_default_timezone())


def seed_equipment() -> dict[str, EquipmentType]:
    types = {}
    for order, (
        name,
        category,
        prefix,
        digital,
        count,
        components,
        eligible,
        description,
        notes,
    ) in enumerate(EQUIPMENT):
        equipment_type, _created = EquipmentType.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "tag_prefix": prefix,
                "is_digital_ready": digital,
                "default_components": components,
                "eligible_kinds": list(eligible),
                "description": description,
                "usage_notes": notes,
                "sort_order": order,
                "max_per_reservation": 5 if category == EquipmentType.Category.TABLET else None,
            },
        )
        types[prefix] = equipment_type
        for number in range(1, count + 1):
            Item.objects.get_or_create(
                tag_number=f"{prefix}-{number:03d}",
                defaults={
                    "equipment_type": equipment_type,
                    "components": components,
                    "storage_place": "市役所 1階 生活課 備品庫" if number % 2 else "本納支所 倉庫",
                    "acquired_on": date(2023, 4, 1),
                },
            )
    return types


def seed_organisations() -> dict[str, Organisation]:
    found = {}
    rows = [(*row, Organisation.Kind.NEIGHBOURHOOD) for row in ORGANISATIONS] + CIVIC
    for index, (name, kana, district, representative, kind) in enumerate(rows, start=1):
        organisation, _created = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "name_kana": kana,
                "kind": kind,
                "district": district,
                "representative_name": representative,
                "representative_phone": f"0475-00-{index:04d}",
                "pickup_contact_name": representative,
                "pickup_contact_phone": f"090-0000-{index:04d}",
                "return_contact_name": representative,
                "return_contact_phone": f"090-0000-{index:04d}",
                "is_verified": True,
            },
        )
        found[name] = organisation
    return found


def _link_representative(organisation: Organisation, staff: User) -> User | None:
    user = User.objects.filter(email=REPRESENTATIVE_EMAIL).first()
    if user is None:
        return None
    Membership.objects.get_or_create(
        organisation=organisation,
        user=user,
        defaults={
            "status": Membership.Status.VERIFIED,
            "position": "会長",
            "verified_by": staff,
            "verified_at": timezone.now(),
        },
    )
    user.groups.add(Group.objects.get(name=Role.ORG_REPRESENTATIVE))
    return user


def _reservation(
    key,
    *,
    organisation,
    lines,
    pickup,
    ret,
    by,
    booked_on,
    event,
    purpose,
    provisional=False,
    kits=(),
):
    existing = Reservation.objects.filter(notes=f"demo:{key}").first()
    if existing is not None:
        return existing, False
    reservation = reservation_request(
        organisation=organisation,
        pickup_date=pickup,
        return_date=ret,
        lines=lines,
        kits=kits,
        event_name=event,
        purpose=purpose,
        declaration=True,
        provisional=provisional,
        by=by,
        now=_at(booked_on, 9),
    )
    Reservation.objects.filter(pk=reservation.pk).update(notes=f"demo:{key}")
    return reservation, True


def _other_free_unit(loan: Loan, reservation: Reservation) -> Item | None:
    """Another unit of the loan's type, free on every day of the reservation."""
    return (
        Item.objects.filter(
            equipment_type_id=loan.item.equipment_type_id, status=Item.Status.AVAILABLE
        )
        .exclude(days__day__range=(reservation.pickup_date, reservation.return_date))
        .exclude(pk__in=reservation.loans.values("item_id"))
        .order_by("tag_number")
        .first()
    )


def _lend(reservation, staff, *, returned_on=None, inspect=True, swap=False, leave_prefix=""):
    """Approve and hand out through the services. ``swap``: the desk hands out another unit
    than the first one booked; ``leave_prefix``: the group leaves those units behind and the
    desk releases them. The group is told about each (the desk calls a group without e-mail)."""
    reservation_approve(
        reservation=reservation, by=staff, now=_at(reservation.created_at.date(), 15)
    )
    for index, loan in enumerate(reservation.loans.select_related("item").order_by("id")):
        if leave_prefix and loan.item.tag_number.startswith(leave_prefix):
            continue
        other = _other_free_unit(loan, reservation) if swap and index == 0 else None
        loan_hand_out(
            reservation=reservation,
            code=(other or loan.item).tag_number,
            by=staff,
            now=_at(reservation.pickup_date),
        )
    if leave_prefix:
        reservation_release_unhanded(
            reservation=reservation, by=staff, now=_at(reservation.pickup_date, 11)
        )
    if returned_on is None:
        return
    for loan in reservation.loans.select_related("item"):
        loan_return(item=loan.item, by=staff, via="counter", now=_at(returned_on, 14))
        if inspect:
            loan_inspect(loan=loan, by=staff, result="ok", now=_at(returned_on, 16))


# (key, organisation, {prefix: qty}, pickup, nights, event, purpose)
PAST_LOANS = [
    (
        "fy2024-1",
        "本納中央自治会",
        {"MB-PJ": 1, "MB-SC": 1},
        date(2024, 5, 17),
        3,
        "総会",
        "自治会総会で決算報告を映します",
    ),
    (
        "fy2024-2",
        "豊田南自治会",
        {"MB-TN": 2, "MB-PA": 1},
        date(2024, 7, 26),
        4,
        "夏祭り",
        "地区の夏祭り",
    ),
    (
        "fy2024-3",
        "東郷台町内会",
        {"MB-TB": 4, "MB-WF": 1},
        date(2024, 9, 13),
        3,
        "スマホ相談会",
        "高齢者向けスマホ相談会",
    ),
    (
        "fy2024-4",
        "二宮本郷自治会",
        {"MB-LT": 2, "MB-TN": 1},
        date(2024, 11, 8),
        3,
        "防災訓練",
        "夜間の避難訓練",
    ),
    (
        "fy2024-5",
        "もばらデジタル見守り隊",
        {"MB-TB": 5},
        date(2025, 1, 17),
        3,
        "オンライン申請体験会",
        "マイナポータルの体験会",
    ),
    (
        "fy2024-6",
        "鶴枝中部自治会",
        {"MB-PJ": 1},
        date(2025, 3, 14),
        3,
        "役員会",
        "次年度計画の説明",
    ),
    (
        "fy2025-1",
        "本納中央自治会",
        {"MB-PJ": 1, "MB-WF": 1},
        date(2025, 4, 18),
        3,
        "総会",
        "オンライン参加つき総会",
    ),
    (
        "fy2025-2",
        "五郷東自治会",
        {"MB-TN": 3, "MB-PA": 1},
        date(2025, 7, 25),
        3,
        "納涼祭",
        "地区の納涼祭",
    ),
    (
        "fy2025-3",
        "茂原駅前町内会",
        {"MB-TB": 3},
        date(2025, 8, 22),
        3,
        "防災アプリ説明会",
        "防災アプリの使い方説明会",
    ),
    (
        "fy2025-4",
        "豊岡西自治会",
        {"MB-PJ": 1, "MB-SC": 1},
        date(2025, 10, 10),
        3,
        "敬老会",
        "敬老会で写真を上映",
    ),
    ("fy2025-5", "中の島自治会", {"MB-LT": 2}, date(2025, 11, 14), 3, "防災訓練", "夜間の防災訓練"),
    (
        "fy2025-6",
        "東部台自治会",
        {"MB-WF": 2, "MB-TB": 2},
        date(2026, 1, 23),
        3,
        "スマホ教室",
        "地区のスマホ教室",
    ),
    ("fy2025-7", "早野新田自治会", {"MB-PJ": 1}, date(2026, 3, 13), 3, "役員会", "年度末の役員会"),
]


# A year of everyday loans, so that the KPI sheet of 令和7年度 stands on a
# realistic number of facts (about 200 groups, the policy's target is 250).
# Written straight to the tables because running ~240 reservations through the
# services would make the first `make run` take minutes; they are ordinary
# closed reservations with their loans and occupancy rows, marked
# "demo:history" in the staff notes.
HISTORY_FISCAL_YEAR = 2025
HISTORY_EVENTS = [
    ("総会", "自治会総会で資料を映します"),
    ("スマホ勉強会", "集会所でのスマホ勉強会"),
    ("防災訓練", "避難所運営の説明に使います"),
    ("役員会", "役員会の資料共有"),
    ("敬老会", "写真のスライドを映します"),
    ("夏祭り", "夏祭りの受付と放送"),
]
# (type prefix, weight, most units)
HISTORY_MIX = [("MB-PJ", 4, 1), ("MB-TB", 4, 3), ("MB-WF", 3, 1), ("MB-PA", 1, 1), ("MB-TN", 1, 2)]


def seed_history(*, organisations: dict[str, Organisation], staff: User | None) -> int:
    if Reservation.objects.filter(notes="demo:history").exists():
        return 0
    rng = random.Random(HISTORY_FISCAL_YEAR)
    first, last = fiscal_year_dates(HISTORY_FISCAL_YEAR)
    last = min(last, timezone.localdate() - timedelta(days=7))
    items = {
        prefix: list(
            Item.objects.filter(
                tag_number__startswith=prefix, retired_at__isnull=True
            ).select_related("equipment_type")
        )
        for prefix, _weight, _most in HISTORY_MIX
    }
    taken = set(ItemDay.objects.filter(day__range=(first, last)).values_list("item_id", "day"))
    groups = list(organisations.values())
    created = 0
    for pickup in office_calendar.open_days_between(first, last):
        if rng.random() < 0.08:
            continue  # some days nobody borrows anything
        prefix, _weight, most = rng.choices(HISTORY_MIX, weights=[w for _p, w, _m in HISTORY_MIX])[
            0
        ]
        ret = office_calendar.next_open_day(pickup + timedelta(days=rng.choice([0, 1, 2, 3])))
        days = [pickup + timedelta(days=n) for n in range((ret - pickup).days + 1)]
        free = [i for i in items[prefix] if not any((i.pk, d) in taken for d in days)]
        if ret > last or not free:
            continue
        chosen = rng.sample(free, min(len(free), rng.randint(1, most)))
        event, purpose = rng.choice(HISTORY_EVENTS)
        reservation = Reservation.objects.create(
            organisation=rng.choice(groups),
            state=Reservation.State.CLOSED,
            pickup_date=pickup,
            return_date=ret,
            event_name=event,
            purpose=purpose,
            declaration=True,
            decided_by=staff,
            decided_at=_at(pickup - timedelta(days=7), 15),
            handed_out_at=_at(pickup),
            returned_at=_at(ret, 14),
            closed_at=_at(ret, 16),
            created_at=_at(pickup - timedelta(days=10), 9),
            notes="demo:history",
        )
        ReservationLine.objects.create(
            reservation=reservation, equipment_type=chosen[0].equipment_type, quantity=len(chosen)
        )
        for item in chosen:
            loan = Loan.objects.create(
                reservation=reservation,
                item=item,
                due_date=ret,
                handed_out_at=_at(pickup),
                handed_out_by=staff,
                was_digital_ready=item.equipment_type.is_digital_ready,
                returned_at=_at(ret, 14),
                returned_by=staff,
                returned_via=Loan.Via.COUNTER,
                parts_checked_at=_at(ret, 14),
                inspected_at=_at(ret, 16),
                inspected_by=staff,
                inspection_result=Loan.Inspection.OK,
            )
            ItemDay.objects.bulk_create(ItemDay(item=item, day=day, loan=loan) for day in days)
            taken.update((item.pk, day) for day in days)
        created += 1
    return created


def seed(stdout=None) -> None:
    staff = User.objects.filter(email="seikatsu@example.jp").first()
    types = seed_equipment()
    organisations = seed_organisations()
    rep = _link_representative(organisations[REPRESENTED], staff)
    today = timezone.localdate()
    created = 0

    for key, org_name, wanted, pickup, nights, event, purpose in PAST_LOANS:
        pickup = _open_on_or_after(pickup)
        ret = _open_on_or_before(pickup + timedelta(days=nights))
        if ret >= today:
            continue
        reservation, is_new = _reservation(
            key,
            organisation=organisations[org_name],
            lines={types[p]: q for p, q in wanted.items()},
            pickup=pickup,
            ret=ret,
            by=staff,
            booked_on=pickup - timedelta(days=14),
            event=event,
            purpose=purpose,
        )
        if is_new:
            _lend(reservation, staff, returned_on=ret)
            created += 1

    history = seed_history(organisations=organisations, staff=staff)

    # On loan right now: two in time, one overdue.
    recent_pickup = _open_on_or_before(today - timedelta(days=2))
    current = [
        (
            "now-1",
            "二宮本郷自治会",
            {"MB-PJ": 1, "MB-SC": 1},
            recent_pickup,
            _open_on_or_after(today + timedelta(days=3)),
            "地区懇談会",
            "市との懇談会で資料を映します",
        ),
        (
            "now-2",
            "もばらデジタル見守り隊",
            {"MB-TB": 3, "MB-WF": 1},
            recent_pickup,
            _open_on_or_after(today + timedelta(days=4)),
            "スマホ教室",
            "公民館でのスマホ教室",
        ),
        (
            "now-overdue",
            "豊田南自治会",
            {"MB-PA": 1},
            _open_on_or_before(today - timedelta(days=10)),
            _open_on_or_before(today - timedelta(days=3)),
            "地区運動会",
            "運動会の放送",
        ),
    ]
    for key, org_name, wanted, pickup, ret, event, purpose in current:
        reservation, is_new = _reservation(
            key,
            organisation=organisations[org_name],
            lines={types[p]: q for p, q in wanted.items()},
            pickup=pickup,
            ret=ret,
            by=staff,
            booked_on=pickup - timedelta(days=7),
            event=event,
            purpose=purpose,
        )
        if is_new:
            # The desk gave the tablets' group another unit than the one booked, and the
            # council took its projector but left the screen: both groups are told.
            _lend(
                reservation,
                staff,
                swap=key == "now-2",
                leave_prefix="MB-SC" if key == "now-1" else "",
            )
            created += 1

    # Came back yesterday, waiting for inspection.
    back = _open_on_or_before(today - timedelta(days=1))
    reservation, is_new = _reservation(
        "awaiting-inspection",
        organisation=organisations["鶴枝中部自治会"],
        lines={types["MB-LT"]: 1},
        pickup=_open_on_or_before(back - timedelta(days=2)),
        ret=back,
        by=staff,
        booked_on=back - timedelta(days=10),
        event="夜回り",
        purpose="防犯パトロール",
    )
    if is_new:
        _lend(reservation, staff, returned_on=back, inspect=False)
        created += 1

    # Waiting for approval (asked by the demo representative), one approved, one 仮予約.
    soon = _open_on_or_after(today + timedelta(days=10))
    upcoming = [
        (
            "requested",
            REPRESENTED,
            {"MB-PJ": 1, "MB-PA": 1},
            soon,
            "防災講演会",
            "防災講演会でスライドを映し、マイクを使います",
            rep or staff,
            False,
        ),
        (
            "approved",
            "東郷台町内会",
            {"MB-TN": 2},
            _open_on_or_after(today),  # on the desk's "pickups today" (or the next open day)
            "餅つき大会",
            "地区の餅つき大会",
            staff,
            False,
        ),
        (
            "provisional",
            "中の島自治会",
            {"MB-TB": 2},
            _open_on_or_after(today + timedelta(days=14)),
            "スマホ相談会",
            "電話で受付",
            staff,
            True,
        ),
    ]
    for key, org_name, wanted, pickup, event, purpose, by, provisional in upcoming:
        reservation, is_new = _reservation(
            key,
            organisation=organisations[org_name],
            lines={types[p]: q for p, q in wanted.items()},
            pickup=pickup,
            ret=_open_on_or_after(pickup + timedelta(days=2)),
            by=by,
            booked_on=today,
            event=event,
            purpose=purpose,
            provisional=provisional,
        )
        if is_new and key == "approved":
            reservation_approve(reservation=reservation, by=staff)
        created += int(is_new)
    # What the morning job (lending_send_reminders) tells groups today: the overdue group
    # (no e-mail: on the desk's call list) and tomorrow's pickups.
    reservations_send_pickup_reminders()
    reservations_send_overdue_notices()
    seed_operations(staff=staff, types=types, organisations=organisations, today=today)
    seed_kits(staff=staff, types=types, organisations=organisations, today=today)
    if stdout is not None:
        stdout.write(
            f"lending: {created} demo reservations created, {history} from the 令和7年度 history"
        )


# --- the equipment's upkeep and a group's people (issue 15) ------------------------------

DEMO_STOCKTAKE_PLACE = "本納支所 倉庫"
DEMO_INVITED_REPRESENTATIVE = {
    "email": "yakuin@example.jp",
    "full_name": "豊田南 新役員",
    "position": "副会長",
}


def seed_operations(*, staff, types, organisations, today: date) -> None:
    """Maintenance plans with one tablet due today, a stocktake in progress, and an
    invited representative who has not signed up yet. Idempotent."""
    from lending.services import (
        representative_invite,
        stocktake_open,
        stocktake_scan,
    )

    if staff is None:
        return
    tablets, routers = types["MB-TB"], types["MB-WF"]
    tablet_plan, created = MaintenancePlan.objects.get_or_create(
        equipment_type=tablets,
        name="リセット・充電・OS更新",
        defaults={
            "tasks": "データを消去して初期化し、満充電にし、OSとアプリを更新する。",
            "interval_days": 30,
            "after_each_loan": True,
            "starts_on": today,
        },
    )
    if created:
        # Every tablet on the shelf was done recently, the first one exactly 30 days
        # ago: it is due today.
        shelf = Item.objects.filter(equipment_type=tablets).exclude(
            status__in=[Item.Status.ON_LOAN, Item.Status.RETIRED]
        )
        for index, item in enumerate(shelf.order_by("tag_number")):
            done_on = today - timedelta(days=30 if index == 0 else 6)
            MaintenanceRecord.objects.create(
                item=item,
                plan=tablet_plan,
                done_on=done_on,
                done_by=staff,
                work="初期化、充電、OS更新",
                result=MaintenanceRecord.Result.DONE,
                cost_yen=0,
                recorded_at=_at(done_on, 16),
            )
    MaintenancePlan.objects.get_or_create(
        equipment_type=routers,
        name="SIM契約の確認",
        defaults={
            "tasks": "通信契約の期間と残りの容量を確認する。",
            "interval_days": 365,
            "starts_on": today + timedelta(days=60),
        },
    )
    if not Stocktake.objects.filter(storage_place=DEMO_STOCKTAKE_PLACE).exists():
        stocktake = stocktake_open(storage_place=DEMO_STOCKTAKE_PLACE, by=staff)
        # Half the shelf counted so far.
        lines = stocktake.lines.select_related("item").order_by("item__tag_number")
        for line in list(lines)[::2]:
            stocktake_scan(stocktake=stocktake, code=line.item.tag_number, by=staff)
    if not RepresentativeInvitation.objects.filter(
        email=DEMO_INVITED_REPRESENTATIVE["email"]
    ).exists():
        representative_invite(
            organisation=organisations["豊田南自治会"], by=staff, **DEMO_INVITED_REPRESENTATIVE
        )


# --- kits: units that go out together (issue 15) ------------------------------------------

# Types only kits need, made like the others: name, category, prefix, parts, description.
KIT_PARTS_TYPES = [
    (
        "HDMIケーブル（10m）",
        "MB-HD",
        ["ケーブル", "変換アダプタ"],
        "パソコンとプロジェクターを離して置けます。",
    ),
    ("延長コードリール（30m）", "MB-EX", ["コードリール"], "屋外でも使える防雨型です。"),
]
# tag, name, units (tags), place, description
DEMO_KITS = [
    (
        "MB-KIT-001",
        "上映セット",
        ["MB-PJ-005", "MB-SC-004", "MB-HD-001", "MB-EX-001"],
        "市役所 1階 生活課 備品庫",
        "総会や防災の上映会に。プロジェクター、スクリーン、HDMIケーブル、延長コードリール。",
    ),
    (
        "MB-KIT-002",
        "屋外行事セット",
        ["MB-PA-004", "MB-LT-005", "MB-EX-002"],
        "本納支所 倉庫",
        "夏祭りや夜間の防災訓練に。音響（PA）セット、LED投光器、延長コードリール。",
    ),
]


def seed_kits(*, staff, types, organisations, today: date) -> None:
    """Two kits of their own units (so no earlier demo booking is affected), and one
    group that booked the first kit. Idempotent."""
    if staff is None:
        return
    for order, (name, prefix, parts, description) in enumerate(KIT_PARTS_TYPES):
        types[prefix], _created = EquipmentType.objects.get_or_create(
            name=name,
            defaults={
                "category": EquipmentType.Category.OTHER,
                "tag_prefix": prefix,
                "default_components": parts,
                "description": description,
                "sort_order": len(EQUIPMENT) + order,
            },
        )
    for tag, name, unit_tags, place, description in DEMO_KITS:
        if Kit.objects.filter(tag_number=tag).exists():
            continue
        units = []
        for unit_tag in unit_tags:
            equipment_type = types[unit_tag.rsplit("-", 1)[0]]
            unit, _created = Item.objects.get_or_create(
                tag_number=unit_tag,
                defaults={
                    "equipment_type": equipment_type,
                    "components": list(equipment_type.default_components),
                    "storage_place": place,
                    "acquired_on": date(2025, 4, 1),
                },
            )
            units.append(unit)
        kit_save(
            kit=Kit(name=name, tag_number=tag, storage_place=place, description=description),
            items=units,
            by=staff,
        )
    pickup = _open_on_or_after(today + timedelta(days=10))
    _reservation(
        "kit",
        organisation=organisations["東部台自治会"],
        lines={},
        kits=[Kit.objects.get(tag_number="MB-KIT-001")],
        pickup=pickup,
        ret=_open_on_or_after(pickup + timedelta(days=1)),
        by=staff,
        booked_on=today,
        event="防災上映会",
        purpose="集会所で防災映画を上映します",
    )
