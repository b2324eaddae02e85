"""Factories of the kpi tests: a plan period of test KPIs over real rows."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.figures import KPI_CACHE
from core.models import User
from core.pagecache import bump
from kpi.models import Incident, KpiDefinition, ManualValue, Measure, PlanPeriod

JST = ZoneInfo("Asia/Tokyo")

TEST_SOURCES = {
    "test.users_joined": "tests.kpi.sources.users_joined",
    "test.users_at_year_end": "tests.kpi.sources.users_at_year_end",
    "test.not_a_figure": "tests.kpi.sources.not_a_figure",
    "test.not_installed": "nowhere.selectors.kpi_nothing",
}


def at(year, month, day, hour=12, minute=0, second=0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=JST)


@pytest.fixture(autouse=True)
def test_sources(monkeypatch):
    """Test-only sources besides the apps' own (as an app would declare them)."""
    from core.figures import declared_kpi_sources

    declared = declared_kpi_sources()
    monkeypatch.setattr("kpi.sources.declared_kpi_sources", lambda: {**declared, **TEST_SOURCES})


def kpi_fields(**overrides):
    fields = {
        "area": KpiDefinition.Area.COMMUNITY,
        "unit": "人",
        "unit_en": "people",
        "baseline_year": 2021,
        "target_year": 2025,
        "section": "dx",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def engine_period(db):
    """Replace the policy KPIs by test KPIs over the same years (令和3→7年度).

    joined:    users who joined in the year, per year, baseline 10 → 30, facts since 2024
    members:   active users on 31 March, baseline 2 → 40, facts since 2022
    training:  cumulative of joined, baseline 30 → 150, facts since 2025 (2022–24 typed in)
    incidents: serious incidents, keep at zero, facts since 2025
    plain:     joined, plain rate and A/B/C/D grades, baseline 0 → 25, facts since 2025
    """
    Measure.objects.all().delete()
    KpiDefinition.objects.all().delete()
    PlanPeriod.objects.all().delete()
    period = PlanPeriod.objects.create(
        code="test-2021",
        name="テスト計画（令和3年度〜令和7年度）",
        name_en="Test plan",
        first_fiscal_year=2021,
        last_fiscal_year=2025,
    )
    make = KpiDefinition.objects.create
    kpis = {
        "joined": make(
            period=period,
            code="joined",
            sort_order=1,
            name="登録者数(年間)",
            baseline_value=Decimal(10),
            target_value=Decimal(30),
            source_key="test.users_joined",
            facts_since_year=2024,
            **kpi_fields(),
        ),
        "members": make(
            period=period,
            code="members",
            sort_order=2,
            name="年度末の利用者数",
            baseline_value=Decimal(2),
            target_value=Decimal(40),
            aggregation=KpiDefinition.Aggregation.YEAR_END,
            source_key="test.users_at_year_end",
            facts_since_year=2022,
            **kpi_fields(),
        ),
        "training": make(
            period=period,
            code="training",
            sort_order=3,
            name="延べ受講者数",
            baseline_value=Decimal(30),
            target_value=Decimal(150),
            aggregation=KpiDefinition.Aggregation.CUMULATIVE,
            source_key="test.users_joined",
            facts_since_year=2025,
            **kpi_fields(area=KpiDefinition.Area.SECURITY),
        ),
        "incidents": make(
            period=period,
            code="incidents",
            sort_order=4,
            name="重要事故の発生件数",
            baseline_value=Decimal(0),
            target_value=Decimal(0),
            direction=KpiDefinition.Direction.KEEP_ZERO,
            source_key="kpi.serious_security_incidents",
            facts_since_year=2025,
            **kpi_fields(area=KpiDefinition.Area.SECURITY, unit="件"),
        ),
        "plain": make(
            period=period,
            code="plain",
            sort_order=5,
            name="単純達成率の指標",
            baseline_value=Decimal(0),
            target_value=Decimal(25),
            rate_method=KpiDefinition.RateMethod.PLAIN,
            grading=KpiDefinition.Grading.ABCD,
            source_key="test.users_joined",
            facts_since_year=2025,
            **kpi_fields(area=KpiDefinition.Area.DIVIDE, section="lending"),
        ),
    }
    for year, value in {2022: 28, 2023: 31, 2024: 27}.items():
        ManualValue.objects.create(
            kpi=kpis["training"], fiscal_year=year, value=Decimal(value), note="紙の記録"
        )
    return kpis


def make_member(when: datetime, n: int = 0) -> User:
    """A user who joined at ``when``: a fact the test sources count, so written the way
    a service writes one, with a new version of the KPI pages (core.pagecache)."""
    member = User.objects.create_user(
        email=f"member-{when:%Y%m%d%H%M%S}-{n}@example.jp",
        password=None,
        full_name=f"住民 {n}",
        date_joined=when,
    )
    bump(KPI_CACHE)
    return member


@pytest.fixture
def facts(engine_period):
    """Sign-ups around the fiscal-year edges (JST) and incidents.

    FY2024: 2 on 2024-10-01, 1 at 2025-03-31 23:59            → 3
    FY2025: 1 at 2025-04-01 00:00, 17 on 2025-06-15, 1 at 2026-03-31 23:59:59,
            1 on 2025-11-03                                    → 20
    FY2026: 1 at 2026-04-01 00:00
    Incidents: serious 2025-03-31 (FY2024, before facts), minor 2025-06-01 (FY2025),
               serious 2026-04-01 (FY2026).
    """
    make_member(at(2024, 10, 1), 1)
    make_member(at(2024, 10, 1), 2)
    make_member(at(2025, 3, 31, 23, 59), 3)
    make_member(at(2025, 4, 1, 0, 0), 4)
    for n in range(17):
        make_member(at(2025, 6, 15), 100 + n)
    make_member(at(2026, 3, 31, 23, 59, 59), 5)
    make_member(at(2025, 11, 3), 6)
    make_member(at(2026, 4, 1, 0, 0), 7)
    Incident.objects.create(
        occurred_on=datetime(2025, 3, 31).date(), severity="serious", summary="FY2024の重要事故"
    )
    Incident.objects.create(
        occurred_on=datetime(2025, 6, 1).date(), severity="minor", summary="軽微な誤送信"
    )
    Incident.objects.create(
        occurred_on=datetime(2026, 4, 1).date(), severity="serious", summary="FY2026の重要事故"
    )
    return engine_period


@pytest.fixture
def texts(engine_period):
    """Fill 要因分析 and 今後の方向性 of 2025 for every KPI so the year can close."""
    from kpi.models import KpiComment

    for kpi in engine_period.values():
        KpiComment.objects.create(
            kpi=kpi, fiscal_year=2025, analysis=f"{kpi.code}の要因", outlook=f"{kpi.code}の方向性"
        )
    return engine_period


def board_reviewed(fiscal_year: int, by) -> None:
    """Take a year through the review to the DX board's step, as 総務課 does before
    confirming (closing) it: every measure's row filled, the meeting recorded."""
    from datetime import timedelta

    from django.utils import timezone

    from kpi import review

    rows = review.check_rows(fiscal_year)
    for row in rows:
        review.check_save(
            measure=row["measure"],
            fiscal_year=fiscal_year,
            data={
                "progress": "done",
                "done": "実施した",
                "assessment": "on_track",
                "direction": "継続",
            },
            by=by,
        )
    review.review_mark_filled(fiscal_year=fiscal_year, by=by)
    review.board_record(
        fiscal_year=fiscal_year,
        meeting_date=timezone.localdate() - timedelta(days=1),
        decision="了承",
        per_measure={row["measure"].pk: {"board_decision": "continue"} for row in rows},
        by=by,
    )


@pytest.fixture
def fy2025_running(monkeypatch):
    """As if 令和7年度 were the current year: its sheet is public as provisional figures.

    The public report shows published years and the current one; these tests read
    2025's running figures on the public pages without going through the review.
    """
    monkeypatch.setattr("kpi.review.current_fiscal_year", lambda: 2025)


def publish(fiscal_year: int, by) -> None:
    """The whole review of a year of a plan without measures: board, confirm, publish."""
    from kpi import review, services

    board_reviewed(fiscal_year, by)
    services.year_close(fiscal_year=fiscal_year, by=by)
    review.review_publish(fiscal_year=fiscal_year, by=by)
