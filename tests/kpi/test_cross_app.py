"""The five policy KPIs (loaded by the data migration) computed from facts built through
the apps' own services, around the edges of 令和7年度 (FY2025), worked out by hand.

Facts (FY2025 = 2025-04-01 00:00 JST … 2026-03-31 23:59:59 JST; the policy KPIs are
computed from records since FY2025, earlier years are typed in):

- Lending, digital-ready loans handed out: 本納 2025-04-01 00:00 (digital) ✓, 豊田
  2026-03-31 23:59 (digital + tent) ✓, 本納 2025-06-10 (tent only) ✗, 豊田 2026-04-01
  00:00 (digital, FY2026) ✗, 2025-03-31 23:59 (FY2024) ✗ → 2.
- Resident classes: 2025-04-01 10:00 with 2 walk-ins, 2026-03-31 23:30 with 3
  walk-ins, 2026-04-01 10:00 (FY2026) with 4, a staff course 2025-07-01 with 6
  (not residents) → 5.
- Staff security training: 2025-06-02 with 8, 2026-02-02 with 4 → 12 in FY2025;
  typed in 2022: 28, 2023: 31, 2024: 27 → 延べ 30 + 28 + 31 + 27 + 12 = 128.
- Wi-Fi machines on 2026-03-31: A operating since 2025-04-10 ✓; B removed 2026-03-31
  ✗; C removed 2026-04-01 ✓; D only installed ✗; E suspended 2026-03-01 ✗; F operating
  from 2026-04-01 ✗ → 2.
- Incidents: serious 2025-03-31 (FY2024), minor 2025-09-01 → 0 serious in FY2025.
"""

import csv
import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.figures import KPI_CACHE
from core.pagecache import bump
from kpi import services as kpi_services
from kpi.models import KpiDefinition
from kpi.sheets import sheet
from kpi.sources import compute_figure

from .conftest import board_reviewed

lending_services = pytest.importorskip("lending.services")
outreach_services = pytest.importorskip("outreach.services")
wifi_services = pytest.importorskip("wifi.services")

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


def jst(*args) -> datetime:
    return datetime(*args, tzinfo=JST)


def rows_of(data):
    return {row["code"]: row for row in data["rows"]}


@pytest.fixture
def policy(db):
    return {k.code: k for k in KpiDefinition.objects.filter(period__code="dx-policy-2021")}


@pytest.fixture
def loans(db, lending_staff):
    from lending.models import EquipmentType, Item, Organisation

    tablet = EquipmentType.objects.create(
        name="タブレット", category=EquipmentType.Category.PROJECTOR, is_digital_ready=True
    )
    tent = EquipmentType.objects.create(name="テント", category="tent", is_digital_ready=False)
    tablets = [
        Item.objects.create(equipment_type=tablet, tag_number=f"MB-TB-{n:03d}", components=["本体"])
        for n in range(4)
    ]
    tents = [
        Item.objects.create(equipment_type=tent, tag_number=f"MB-TN-{n:03d}", components=["幕"])
        for n in range(2)
    ]
    honno, toyota = (
        Organisation.objects.create(
            name=name, kind="neighbourhood", representative_name="代表 太郎", is_verified=True
        )
        for name in ("本納地区自治会", "豊田地区自治会")
    )

    def lend(org, lines, items, day, hand_out_at):
        reservation = lending_services.reservation_request(
            organisation=org,
            pickup_date=day,
            return_date=day,
            lines=lines,
            event_name="防災訓練",
            purpose="地区の防災訓練で使います",
            declaration=True,
            by=lending_staff,
            now=jst(day.year, day.month, day.day, 9) - timedelta(days=7),
        )
        lending_services.reservation_approve(reservation=reservation, by=lending_staff)
        for item in items:
            lending_services.loan_hand_out(
                reservation=reservation, code=item.tag_number, by=lending_staff, now=hand_out_at
            )
        return reservation

    lend(honno, {tablet: 1}, [tablets[0]], date(2025, 3, 31), jst(2025, 3, 31, 23, 59))
    lend(honno, {tablet: 1}, [tablets[1]], date(2025, 4, 1), jst(2025, 4, 1, 0, 0))
    lend(honno, {tent: 1}, [tents[0]], date(2025, 6, 10), jst(2025, 6, 10, 9, 0))
    lend(
        toyota,
        {tablet: 1, tent: 1},
        [tablets[2], tents[1]],
        date(2026, 3, 31),
        jst(2026, 3, 31, 23, 59),
    )
    lend(toyota, {tablet: 1}, [tablets[3]], date(2026, 4, 1), jst(2026, 4, 1, 0, 0))
    return {"tablet": tablet, "honno": honno, "lend": lend}


@pytest.fixture
def classes(db, dx_staff, make_facility):
    from outreach.models import Course

    hall = make_facility("中央公民館テスト会場")
    phone = Course.objects.create(
        code="kpi-basic", name="スマホの基本操作", category="basic", audience="residents"
    )
    excel = Course.objects.create(
        code="kpi-staff-excel", name="職員向けExcel研修", category="city", audience="staff"
    )
    security = Course.objects.create(
        code="kpi-security",
        name="情報セキュリティ研修",
        category=Course.Category.SECURITY_TRAINING,
        audience=Course.Audience.STAFF,
    )

    def held(course, starts_at, people, **walk_in):
        session = outreach_services.session_create(
            by=dx_staff,
            course=course,
            title=course.name,
            venue=hall,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            capacity=20,
        )
        for n in range(people):
            outreach_services.attendance_add_walk_in(
                session=session, by=dx_staff, name=f"参加 {n}", phone=f"0475-11-{n:04d}", **walk_in
            )
        return session

    held(phone, jst(2025, 4, 1, 10, 0), 2)
    held(phone, jst(2026, 3, 31, 23, 30), 3)
    held(phone, jst(2026, 4, 1, 10, 0), 4)
    held(excel, jst(2025, 7, 1, 15, 0), 6)
    held(security, jst(2025, 3, 31, 15, 0), 9)  # FY2024: a typed-in year, not counted
    held(security, jst(2025, 6, 2, 15, 0), 8)
    held(security, jst(2026, 2, 2, 15, 0), 4)
    return {"held": held, "phone": phone}


@pytest.fixture
def machines(db, dx_staff, make_facility):
    from wifi.models import MachineStatus as S

    def machine(code, steps):
        (first, day), *rest = steps
        m = wifi_services.machine_create(
            data={
                "code": code,
                "facility": make_facility(),
                "spot": "正面玄関横",
                "operator": "房総ボトリング",
            },
            status=first,
            effective_on=day,
            reason="協定による設置",
            by=dx_staff,
        )
        for status, when in rest:
            wifi_services.machine_status_change(
                machine=m, status=status, effective_on=when, reason="記録", by=dx_staff
            )
        return m

    made = {
        "A": machine("WV-KA", [(S.OPERATING, date(2025, 4, 10))]),
        "B": machine("WV-KB", [(S.OPERATING, date(2024, 5, 1)), (S.REMOVED, date(2026, 3, 31))]),
        "C": machine("WV-KC", [(S.OPERATING, date(2025, 6, 1)), (S.REMOVED, date(2026, 4, 1))]),
        "D": machine("WV-KD", [(S.INSTALLED, date(2025, 12, 1))]),
        "E": machine("WV-KE", [(S.OPERATING, date(2025, 5, 1)), (S.SUSPENDED, date(2026, 3, 1))]),
        "F": machine("WV-KF", [(S.OPERATING, date(2026, 4, 1))]),
    }
    return made


@pytest.fixture
def incidents(db, dx_staff):
    kpi_services.incident_record(
        by=dx_staff, occurred_on=date(2025, 3, 31), severity="serious", summary="前年度の重要事故"
    )
    kpi_services.incident_record(
        by=dx_staff, occurred_on=date(2025, 9, 1), severity="minor", summary="誤送信(軽微)"
    )


@pytest.fixture
def typed_in_years(policy, dx_staff):
    """The years before go-live, typed in by 総務課 (audited)."""
    typed = {
        "security-incidents": {2022: 0, 2023: 0, 2024: 0},
        "security-training": {2022: 28, 2023: 31, 2024: 27},
        "wifi-machines": {2022: 0, 2023: 1, 2024: 1},
        "community-loans": {2022: 150, 2023: 170, 2024: 190},
        "digital-classes": {2022: 20, 2023: 40, 2024: 60},
    }
    for code, years in typed.items():
        for year, value in years.items():
            kpi_services.manual_value_set(
                kpi=policy[code],
                fiscal_year=year,
                value=Decimal(value),
                note="紙の記録",
                by=dx_staff,
            )


@pytest.fixture
def all_facts(policy, loans, classes, machines, incidents, typed_in_years):
    return policy


@pytest.fixture
def texts(policy, dx_staff):
    for kpi in policy.values():
        kpi_services.comment_save(
            kpi=kpi, fiscal_year=2025, analysis="要因の分析", outlook="今後の方向", by=dx_staff
        )


def test_every_policy_source_resolves_once_the_apps_are_merged(all_facts):
    assert compute_figure("lending.digital_loan_groups", 2025).value == 2
    assert compute_figure("lending.all_loan_groups", 2025).value == 3  # incl. tents only
    assert compute_figure("outreach.resident_class_participants", 2026).value == 4
    assert compute_figure("outreach.staff_security_training_attendees", 2024).value == 9
    assert compute_figure("wifi.machines_operating_at_year_end", 2026).value == 2  # A, F (to date)
    assert compute_figure("kpi.serious_security_incidents", 2024).value == 1


def test_policy_sheet_2025_values_rates_and_grades_by_hand(all_facts):
    rows = rows_of(sheet(2025))

    loans = rows["community-loans"]
    # 2 digital loans; (2 − 135) / (250 − 135) = −133 / 115 = −1.1565 → −115.7%; 2 < 121.5 → C
    assert (loans["value"], loans["origin"]) == (2, "facts")
    assert (loans["rate_percent"], loans["grade"]) == (-115.7, "C")
    assert [v["value"] for v in loans["values"]] == [135, 150, 170, 190, 2]

    classes = rows["digital-classes"]
    # 2 + 3 resident attendances; (5 − 0) / (100 − 0) = 5.0%; above a baseline of none → A
    assert (classes["value"], classes["rate_percent"], classes["grade"]) == (5, 5.0, "A")

    training = rows["security-training"]
    # 30 + 28 + 31 + 27 + (8 + 4) = 128; (128 − 30) / (150 − 30) = 98 / 120 = 81.7%; A
    assert [v["value"] for v in training["values"]] == [30, 58, 89, 116, 128]
    assert (training["value"], training["rate_percent"], training["grade"]) == (128, 81.7, "A")
    # the total is part records, part typed in: 12 recorded + 116 typed in (incl. baseline)
    assert (training["origin"], training["recorded"], training["typed_in"]) == ("mixed", 12, 116)

    wifi = rows["wifi-machines"]
    # A and C operate on 31 March 2026; 2 / 5 → 40.0%; A (5台以上 not reached)
    assert (wifi["value"], wifi["rate_percent"], wifi["grade"]) == (2, 40.0, "A")

    incidents = rows["security-incidents"]
    assert (
        incidents["value"],
        incidents["passed"],
        incidents["rate_percent"],
        incidents["grade"],
    ) == (
        0,
        True,
        None,
        "S",
    )


def test_policy_sheet_2024_uses_the_typed_in_values(all_facts):
    rows = rows_of(sheet(2024))
    # (190 − 135) / 115 = 0.4783 → 47.8%; 190 > 148.5 → A
    assert (rows["community-loans"]["value"], rows["community-loans"]["origin"]) == (190, "manual")
    assert (rows["community-loans"]["rate_percent"], rows["community-loans"]["grade"]) == (
        47.8,
        "A",
    )
    # the serious incident of 2025-03-31 is in FY2024, but FY2024 is a typed-in year (0)
    assert rows["security-incidents"]["value"] == 0


def test_closed_2025_sheet_stays_frozen_when_the_apps_record_corrections(
    all_facts, texts, dx_staff, lending_staff
):
    from wifi.models import MachineStatus

    board_reviewed(2025, dx_staff)
    kpi_services.year_close(fiscal_year=2025, by=dx_staff)

    # Corrections recorded later through the apps:
    from lending.models import Item, Organisation

    tablet = Item.objects.get(tag_number="MB-TB-000").equipment_type
    item = Item.objects.create(equipment_type=tablet, tag_number="MB-TB-100", components=["本体"])
    toyota = Organisation.objects.get(name="豊田地区自治会")
    reservation = lending_services.reservation_request(
        organisation=toyota,
        pickup_date=date(2025, 11, 4),
        return_date=date(2025, 11, 4),
        lines={item.equipment_type: 1},
        event_name="文化祭",
        purpose="地区の文化祭",
        declaration=True,
        by=lending_staff,
        now=jst(2025, 10, 20, 9),
    )
    lending_services.reservation_approve(reservation=reservation, by=lending_staff)
    lending_services.loan_hand_out(
        reservation=reservation, code=item.tag_number, by=lending_staff, now=jst(2025, 11, 4, 9)
    )
    from wifi.models import Machine

    wifi_services.machine_status_change(
        machine=Machine.objects.get(code="WV-KA"),
        status=MachineStatus.REMOVED,
        effective_on=date(2026, 3, 31),
        reason="撤去の記録漏れ",
        by=dx_staff,
    )
    kpi_services.incident_record(
        by=dx_staff,
        occurred_on=date(2026, 3, 31),
        severity="serious",
        summary="後日判明した重要事故",
    )

    rows = rows_of(sheet(2025))
    loans, wifi, incidents = (
        rows["community-loans"],
        rows["wifi-machines"],
        rows["security-incidents"],
    )
    # published figures unchanged; today's records beside them
    assert (loans["value"], loans["grade"], loans["current_value"], loans["difference"]) == (
        2,
        "C",
        3,
        1,
    )
    assert (wifi["value"], wifi["rate_percent"], wifi["current_value"], wifi["difference"]) == (
        2,
        40.0,
        1,
        -1,
    )
    assert (
        incidents["value"],
        incidents["passed"],
        incidents["current_value"],
        incidents["difference"],
    ) == (
        0,
        True,
        1,
        1,
    )
    assert rows["digital-classes"]["difference"] is None

    # re-opening (audited) publishes the corrected figures: 3 loans → (3 − 135) / 115 = −114.8%
    kpi_services.year_reopen(fiscal_year=2025, by=dx_staff, reason="記録漏れの訂正")
    rows = rows_of(sheet(2025))
    assert (rows["community-loans"]["value"], rows["community-loans"]["rate_percent"]) == (
        3,
        -114.8,
    )
    assert (rows["wifi-machines"]["value"], rows["wifi-machines"]["rate_percent"]) == (1, 20.0)
    assert (rows["security-incidents"]["passed"], rows["security-incidents"]["grade"]) == (
        False,
        "C",
    )


def test_csv_json_command_and_page_agree_on_the_policy_sheet(all_facts, client, fy2025_running):
    as_json = client.get("/kpi/2025.json").content
    as_csv = client.get("/kpi/2025.csv").content
    out_json, out_csv = StringIO(), StringIO()
    call_command("kpi_report", "--fiscal-year", "2025", "--format", "json", stdout=out_json)
    call_command("kpi_report", "--fiscal-year", "2025", "--format", "csv", stdout=out_csv)
    assert as_json == out_json.getvalue().encode()
    assert as_csv == out_csv.getvalue().encode()
    data = json.loads(as_json)
    table = list(csv.reader(io.StringIO(as_csv.decode())))
    page = client.get("/kpi/2025/").context["sheet"]
    for exported, line, shown in zip(data["rows"], table[1:], page["rows"], strict=True):
        assert exported["name"] == line[3] == shown["name"]
        assert str(exported["value"]) in line[13]
        assert exported["grade"] == line[16] == shown["grade"]
        assert exported["value"] == shown["value"]


def test_public_pages_show_no_personal_data_and_suppress_small_counts(
    all_facts, client, fy2025_running
):
    pages = [
        client.get("/kpi/").content.decode(),
        client.get("/kpi/2025.json").content.decode(),
        client.get(
            reverse("kpi:public_facts", args=[2025, "digital-classes", 2025])
        ).content.decode(),
        client.get(
            reverse("kpi:public_facts", args=[2025, "security-training", 2025])
        ).content.decode(),
        client.get(
            reverse("kpi:public_facts", args=[2025, "community-loans", 2025])
        ).content.decode(),
    ]
    for html in pages:
        assert "参加 0" not in html and "0475-11" not in html  # walk-ins' names and phones
        assert "代表 太郎" not in html  # organisation representatives
        assert "@example.jp" not in html
        assert "誤送信(軽微)" not in html and "前年度の重要事故" not in html  # incident summaries
    response = client.get(reverse("kpi:public_facts", args=[2025, "digital-classes", 2025]))
    attended = [line[-1] for line in response.context["cells"]]
    assert attended == ["5未満", "5未満"]  # sessions of 2 and 3
    training = client.get(reverse("kpi:public_facts", args=[2025, "security-training", 2025]))
    assert [line[-1] for line in training.context["cells"]] == [8, "5未満"]


def test_staff_drill_down_shows_the_sessions_and_loans_behind_the_values(
    all_facts, client_for, dx_staff
):
    client = client_for(dx_staff)
    classes = client.get(reverse("kpi:facts", args=[2025, "digital-classes", 2025]))
    assert [line[-1] for line in classes.context["cells"]] == [2, 3]
    loans = client.get(reverse("kpi:facts", args=[2025, "community-loans", 2025]))
    body = loans.content.decode()
    assert "本納地区自治会" in body and "豊田地区自治会" in body
    wifi = client.get(reverse("kpi:facts", args=[2025, "wifi-machines", 2025]))
    assert [line[0] for line in wifi.context["cells"]] == ["WV-KA", "WV-KC"]


def test_sheet_page_query_count_does_not_grow_with_the_apps_facts(
    all_facts, client_for, dx_staff, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(dx_staff)
    client.get(reverse("kpi:sheet", args=[2025]))
    bump(KPI_CACHE)  # both requests measured are cache misses (the writes below bump)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("kpi:sheet", args=[2025])).status_code == 200
    # 30 more resident classes with 2 attendances each in FY2025
    from outreach.models import Course

    phone = Course.objects.get(code="kpi-basic")
    from core.models import Facility

    hall = Facility.objects.get(name="中央公民館テスト会場")
    for n in range(30):
        starts = jst(2025, 5, 1 + n % 28, 10) + timedelta(hours=n // 28)
        session = outreach_services.session_create(
            by=dx_staff,
            course=phone,
            title="追加",
            venue=hall,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            capacity=10,
        )
        for _ in range(2):
            outreach_services.attendance_add_walk_in(session=session, by=dx_staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("kpi:sheet", args=[2025]))
    assert rows_of(response.context["sheet"])["digital-classes"]["value"] == 5 + 60


def _recount_2026_by_hand_from_the_tables() -> dict[str, int]:
    """The FY2026 figures recounted from the raw rows, without the apps' selectors."""
    from lending.models import Loan
    from outreach.models import Attendance
    from wifi.models import MachineStatusChange

    start, end = jst(2026, 4, 1), jst(2027, 4, 1)
    first_digital: dict[int, datetime] = {}
    for loan in Loan.objects.filter(handed_out_at__isnull=False, was_digital_ready=True):
        at = first_digital.get(loan.reservation_id)
        first_digital[loan.reservation_id] = (
            min(at, loan.handed_out_at) if at else loan.handed_out_at
        )
    loans = sum(1 for at in first_digital.values() if start <= at < end)
    attended = [
        a
        for a in Attendance.objects.select_related("session__course")
        if a.status == "attended"
        and a.session.status == "held"
        and start <= a.session.starts_at < end
    ]
    residents = sum(1 for a in attended if a.session.course.audience == "residents")
    training = sum(1 for a in attended if a.session.course.category == "security_training")
    last = {}
    for step in MachineStatusChange.objects.filter(effective_on__lte=date(2027, 3, 31)).order_by(
        "effective_on", "id"
    ):
        last[step.machine_id] = step.status
    machines = sum(1 for status in last.values() if status == "operating")
    return {
        "community-loans": loans,
        "digital-classes": residents,
        # 延べ since the baseline: 30 + typed 28 + 31 + 27 + recorded 12 (FY2025) + FY2026
        "security-training": 30 + 28 + 31 + 27 + 12 + training,
        "wifi-machines": machines,
        "security-incidents": 0,
    }


def test_current_year_without_a_plan_period_has_provisional_figures_equal_to_a_recount(
    all_facts, client, mid_year_clock
):
    out = StringIO()
    call_command("kpi_report", "--fiscal-year", "2026", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["status"], data["targets_set"]) == ("provisional", False)
    values = {row["code"]: row["value"] for row in data["rows"]}
    assert values == _recount_2026_by_hand_from_the_tables()
    # worked out by hand from the fixtures
    assert values == {
        "community-loans": 1,
        "digital-classes": 4,
        "security-training": 128,
        "wifi-machines": 2,
        "security-incidents": 0,
    }
    for row in data["rows"]:  # no targets until a version-up sets them
        assert (row["year_target"], row["rate_percent"], row["grade"]) == (None, None, "−")
        assert row["values"][-1]["fiscal_year"] == 2026

    as_json = client.get("/kpi/2026.json")
    assert as_json.status_code == 200 and as_json.content == out.getvalue().encode()
    as_csv = client.get("/kpi/2026.csv")
    assert as_csv.status_code == 200
    header, *lines = csv.reader(io.StringIO(as_csv.content.decode()))
    assert "実績値(令和8年度)" in header
    assert [line[1] for line in lines] == ["暫定"] * 5
    page = client.get("/kpi/2026/")
    assert page.status_code == 200
    assert page.context["sheet"]["targets_set"] is False
    assert "暫定" in page.content.decode()
    assert "令和8年度を含む計画期間はまだありません" in page.content.decode()
    # the rows behind a provisional value open like any other year's
    facts = client.get(reverse("kpi:public_facts", args=[2026, "digital-classes", 2026]))
    assert facts.status_code == 200 and facts.context["figure"].value == 4
    # a year after the current one still has no sheet
    assert client.get("/kpi/2027.json").status_code == 404


def test_every_policy_source_counts_in_one_query_and_builds_rows_only_when_asked(
    all_facts, django_assert_num_queries
):
    from core.figures import LazyRows

    keys = [
        "lending.digital_loan_groups",
        "lending.all_loan_groups",
        "outreach.resident_class_participants",
        "outreach.staff_security_training_attendees",
        "wifi.machines_operating_at_year_end",
        "kpi.serious_security_incidents",
    ]
    for key in keys:
        with django_assert_num_queries(1):
            figure = compute_figure(key, 2025)
        # rows are built (or queried) only when the drill-down reads them
        assert not isinstance(figure.rows, list), key
        if isinstance(figure.rows, LazyRows):
            assert not figure.rows.built, key
    classes = compute_figure("outreach.resident_class_participants", 2025)
    # 延べ 5 (2 + 3 walk-ins); 実人数 3: 参加 0 and 参加 1 came to both sessions
    assert (classes.value, classes.people, len(classes.rows)) == (5, 3, 2)


def test_the_sheet_says_how_each_figure_is_counted_and_what_a_total_is_made_of(
    all_facts, client, fy2025_running
):
    page = client.get("/kpi/2025/")
    html = page.content.decode()
    rows = {row["code"]: row for row in page.context["sheet"]["rows"]}
    # the counting rules and caveats are data of the KPI definitions, shown on the sheet
    assert "延べ人数の累計です" in html
    assert "令和3年度の4月から10月末までの7か月分" in html  # the 7-month baseline
    assert "3月31日に工事などで休止していた機械" in html
    assert rows["digital-classes"]["display_rule"].startswith("年度ごとの延べ人数です")
    # the cumulative training figure: recorded and typed-in parts that add up
    training = rows["security-training"]
    assert training["recorded"] + training["typed_in"] == training["value"] == 128
    assert "記録 12 ＋ 手入力 116（基準値を含む）" in html
    # its chart says cumulative, not 「年度ごとの実績値です」
    chart = html.split('id="chart-desc-security-training"')[1].split("</desc>")[0]
    assert "累計" in chart and "年度ごとの実績値" not in chart
    loans_chart = html.split('id="chart-desc-community-loans"')[1].split("</desc>")[0]
    assert "年度ごとの実績値" in loans_chart
    assert "実人数 3人" in html
    # the classes KPI has 実人数 beside 延べ: 5 attendances by 3 people
    classes = rows["digital-classes"]
    assert (classes["value"], classes["people"]) == (5, 3)
    # and the JSON carries the same
    data = json.loads(client.get("/kpi/2025.json").content)
    exported = {row["code"]: row for row in data["rows"]}
    assert exported["community-loans"]["caveats"][0].startswith("基準値135団体は")
    assert (exported["digital-classes"]["value"], exported["digital-classes"]["people"]) == (5, 3)


def test_counting_rules_are_edited_with_the_kpi_and_audited(all_facts, dx_staff):
    from core.models import AuditEntry

    kpi = all_facts["wifi-machines"]
    kpi_services.kpi_update(
        kpi=kpi, changes={"caveats": "3月31日に休止中の機械は数えません。"}, by=dx_staff
    )
    rows = rows_of(sheet(2025))
    assert rows["wifi-machines"]["caveats"] == ["3月31日に休止中の機械は数えません。"]
    entry = AuditEntry.objects.filter(action="kpi.definition.changed").latest("at")
    assert "caveats" in entry.changes
