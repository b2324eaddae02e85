"""Closing a year freezes its sheet; later facts show as differences; re-opening is audited."""

from datetime import date
from decimal import Decimal

import pytest

from core.audit import audit_history
from core.refusals import Refusal
from kpi import services
from kpi.models import Incident, KpiComment, PlanPeriod, YearClosing
from kpi.sheets import sheet

from .conftest import at, board_reviewed, make_member

pytestmark = pytest.mark.django_db


def row(data, code):
    return next(r for r in data["rows"] if r["code"] == code)


def test_closing_needs_every_text_and_value(facts, dx_staff):
    board_reviewed(2025, dx_staff)
    with pytest.raises(Refusal) as info:
        services.year_close(fiscal_year=2025, by=dx_staff)
    # five KPIs without texts, and the joined KPI is fine but texts missing
    assert len(info.value.errors[None]) == 5
    assert not YearClosing.objects.exists()


def test_closing_refuses_a_year_with_missing_values(texts, facts, dx_staff):
    # 2024's sheet: the joined KPI's value exists (facts) but "plain" has no 2024 value (manual, empty)
    for kpi in facts.values():
        KpiComment.objects.create(kpi=kpi, fiscal_year=2024, analysis="a", outlook="b")
    board_reviewed(2024, dx_staff)
    with pytest.raises(Refusal) as info:
        services.year_close(fiscal_year=2024, by=dx_staff)
    assert any("単純達成率の指標" in m for m in info.value.errors[None])


def test_closed_year_stays_frozen_and_shows_the_difference(texts, facts, dx_staff):
    board_reviewed(2025, dx_staff)
    closing = services.year_close(fiscal_year=2025, by=dx_staff)
    assert closing.closed_by == dx_staff
    frozen = sheet(2025)
    assert frozen["status"] == "closed"
    assert (row(frozen, "joined")["value"], row(frozen, "joined")["grade"]) == (20, "A")
    assert row(frozen, "joined")["difference"] is None

    # A late correction: two more sign-ups in FY2025 and a serious incident on 31 March.
    make_member(at(2025, 9, 1), 901)
    make_member(at(2026, 3, 31, 23, 0), 902)
    Incident.objects.create(occurred_on=date(2026, 3, 31), severity="serious", summary="後日判明")

    later = sheet(2025)
    joined = row(later, "joined")
    # the published figure stays 20 / 50.0% / A; today's records say 22 (+2)
    assert (joined["value"], joined["rate_percent"], joined["grade"]) == (20, 50.0, "A")
    assert (joined["current_value"], joined["difference"]) == (22, 2)
    assert next(v for v in joined["values"] if v["fiscal_year"] == 2025)["difference"] == 2
    incidents = row(later, "incidents")
    assert (
        incidents["value"],
        incidents["passed"],
        incidents["current_value"],
        incidents["difference"],
    ) == (0, True, 1, 1)
    members = row(later, "members")
    assert (members["value"], members["current_value"], members["difference"]) == (23, 25, 2)
    # the texts are frozen too
    with pytest.raises(Refusal):
        services.comment_save(
            kpi=facts["joined"], fiscal_year=2025, analysis="new", outlook="new", by=dx_staff
        )
    assert row(sheet(2025), "joined")["analysis"] == "joinedの要因"


def test_a_year_cannot_be_closed_twice(texts, facts, dx_staff):
    board_reviewed(2025, dx_staff)
    services.year_close(fiscal_year=2025, by=dx_staff)
    with pytest.raises(Refusal):
        services.year_close(fiscal_year=2025, by=dx_staff)
    assert YearClosing.objects.count() == 1


def test_reopening_needs_a_reason_and_is_audited(texts, facts, dx_staff):
    board_reviewed(2025, dx_staff)
    closing = services.year_close(fiscal_year=2025, by=dx_staff)
    make_member(at(2025, 9, 1), 903)
    with pytest.raises(Refusal):
        services.year_reopen(fiscal_year=2025, by=dx_staff, reason="  ")
    services.year_reopen(fiscal_year=2025, by=dx_staff, reason="登録漏れ1件の訂正")
    closing.refresh_from_db()
    assert closing.reopened_by == dx_staff and closing.reopen_reason == "登録漏れ1件の訂正"
    entry = audit_history(closing).first()
    assert entry.action == "kpi.year.reopened"
    assert entry.note == "登録漏れ1件の訂正"
    assert entry.changes["joined"] == [20, 21]
    reopened = sheet(2025)
    assert reopened["status"] == "provisional"
    assert row(reopened, "joined")["value"] == 21
    # closing again freezes the corrected figures; the first snapshot is kept as history
    services.year_close(fiscal_year=2025, by=dx_staff)
    assert row(sheet(2025), "joined")["value"] == 21
    assert YearClosing.objects.filter(fiscal_year=2025).count() == 2
    assert [e.action for e in audit_history(closing)] == ["kpi.year.reopened", "kpi.year.closed"]


def test_version_up_starts_a_new_period_without_touching_the_old_sheets(texts, facts, dx_staff):
    board_reviewed(2025, dx_staff)
    services.year_close(fiscal_year=2025, by=dx_staff)
    before = sheet(2025)
    old_period = PlanPeriod.objects.get(code="test-2021")
    new = services.period_version_up(
        previous=old_period,
        code="test-2026",
        name="次期計画",
        last_fiscal_year=2030,
        targets={"joined": Decimal(60)},
        by=dx_staff,
    )
    kpis = {k.code: k for k in new.kpis.all()}
    # new baselines are the 令和7年度 values; untouched targets carry over
    assert (
        kpis["joined"].baseline_value,
        kpis["joined"].baseline_year,
        kpis["joined"].target_value,
    ) == (20, 2025, 60)
    assert (kpis["training"].baseline_value, kpis["training"].target_value) == (136, 150)
    assert old_period.kpis.get(code="joined").target_value == 30
    assert sheet(2025) == before
    # the new period's first year: FY2026 joined = 1 (2026-04-01 00:00) + test users made today
    data = sheet(2026)
    assert data["period"]["code"] == "test-2026"
    assert row(data, "joined")["values"][0] == {
        "fiscal_year": 2025,
        "label": "令和7年度",
        "value": 20,
        "origin": "baseline",
        "note": "",
        # a count per year: no cumulative parts; no 実人数 for the baseline
        "recorded": None,
        "typed_in": None,
        "people": None,
    }


def test_version_up_page_creates_the_next_period(
    texts, facts, client_for, dx_staff, volunteer_user
):
    from django.urls import reverse

    board_reviewed(2025, dx_staff)
    period = PlanPeriod.objects.get(code="test-2021")
    url = reverse("kpi:period_version_up", args=[period.pk])
    assert client_for(volunteer_user).get(url).status_code == 403
    client = client_for(dx_staff)
    assert client.get(url).status_code == 200
    data = {
        "code": "test-2026",
        "name": "次期計画",
        "name_en": "",
        "last_fiscal_year": "2030",
        "target_joined": "60",
        "target_members": "50",
        "target_training": "300",
        "target_plain": "40",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    new = PlanPeriod.objects.get(code="test-2026")
    assert (new.first_fiscal_year, new.last_fiscal_year) == (2026, 2030)
    targets = dict(new.kpis.values_list("code", "target_value"))
    assert targets == {"joined": 60, "members": 50, "training": 300, "incidents": 0, "plain": 40}
    entry = audit_history(new).first()
    assert entry.action == "kpi.period.created"
    # only one next period: the page is gone once it exists
    assert client.get(url).status_code == 404
