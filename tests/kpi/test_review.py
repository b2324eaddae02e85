"""The 進行管理 as the policy defines it: the sections fill the check sheet of their
measures, the DX board reviews it, the year is confirmed, then published; the public
report shows only published years and the running year marked provisional."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_history
from core.models import AuditEntry
from core.refusals import Refusal
from kpi import review, services
from kpi.models import Measure, MeasureCheck, PlanPeriod, YearClosing, YearReview

from .conftest import publish

pytestmark = pytest.mark.django_db

FILLED = {
    "progress": "done",
    "done": "説明会を2回開いた",
    "assessment": "on_track",
    "issues": "周知が足りない地区がある",
    "direction": "地区ごとに説明する",
}


@pytest.fixture
def measures(engine_period, facts):
    """Two measures of the test plan: one of 生活課 (lending), one of 総務課 (dx)."""
    period = PlanPeriod.objects.get(code="test-2021")
    lending = Measure.objects.create(
        period=period,
        code="equipment",
        sort_order=1,
        area="community",
        name="備品の貸し出し",
        section="lending",
        actions="デジタル対応備品の整備及び周知",
        schedule={"2025": "周知"},
    )
    lending.kpis.set([facts["joined"]])
    dx = Measure.objects.create(
        period=period,
        code="training",
        sort_order=2,
        area="security",
        name="研修の実施",
        section="dx",
        related_sections=["personnel"],
        actions="セキュリティ研修の実施",
    )
    dx.kpis.set([facts["training"], facts["incidents"]])
    return {"lending": lending, "dx": dx}


def fill_all(measures, by, year=2025):
    for measure in measures.values():
        review.check_save(measure=measure, fiscal_year=year, data=FILLED, by=by)


def record_board(measures, by, year=2025, decisions=None, new_measure=None):
    decisions = decisions or {}
    return review.board_record(
        new_measure=new_measure,
        fiscal_year=year,
        meeting_date=timezone.localdate() - timedelta(days=3),
        decision="了承する",
        per_measure={
            m.pk: {
                "board_decision": decisions.get(key, "continue"),
                "board_comment": f"{key}の意見",
            }
            for key, m in measures.items()
        },
        by=by,
    )


def test_a_year_cannot_be_published_or_confirmed_before_the_board_step(texts, measures, dx_staff):
    with pytest.raises(Refusal):
        review.review_publish(fiscal_year=2025, by=dx_staff)
    with pytest.raises(Refusal, match="推進本部"):
        services.year_close(fiscal_year=2025, by=dx_staff)
    fill_all(measures, dx_staff)
    review.review_mark_filled(fiscal_year=2025, by=dx_staff)
    # 所管課記入済み: still not before the DX board
    with pytest.raises(Refusal):
        review.review_publish(fiscal_year=2025, by=dx_staff)
    with pytest.raises(Refusal, match="推進本部"):
        services.year_close(fiscal_year=2025, by=dx_staff)
    assert not YearClosing.objects.exists()
    record_board(measures, dx_staff)
    # 推進本部で検討: confirming comes first
    with pytest.raises(Refusal, match="確定"):
        review.review_publish(fiscal_year=2025, by=dx_staff)
    services.year_close(fiscal_year=2025, by=dx_staff)
    assert review.review_status(2025) == "confirmed"
    review.review_publish(fiscal_year=2025, by=dx_staff)
    year_review = YearReview.objects.get(fiscal_year=2025)
    assert year_review.status == "published" and year_review.published_at is not None
    # every step audited
    actions = list(
        AuditEntry.objects.filter(action__startswith="kpi.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    for step in (
        "kpi.measure_check.saved",
        "kpi.review.filled",
        "kpi.measure_check.board_comment",
        "kpi.review.board_recorded",
        "kpi.year.closed",
        "kpi.review.published",
    ):
        assert step in actions
    assert [e.action for e in audit_history(year_review)][:3] == [
        "kpi.review.published",
        "kpi.review.board_recorded",
        "kpi.review.filled",
    ]


def test_marking_filled_lists_the_rows_still_missing(measures, dx_staff):
    review.check_save(measure=measures["dx"], fiscal_year=2025, data=FILLED, by=dx_staff)
    with pytest.raises(Refusal) as info:
        review.review_mark_filled(fiscal_year=2025, by=dx_staff)
    assert info.value.errors[None] == [
        "備品の貸し出し: 実施状況、自己評価または今後の方向性が未記入です。"
    ]
    assert review.review_status(2025) == "drafting"


def test_rows_are_frozen_once_the_board_has_reviewed_and_the_board_decides_every_measure(
    measures, dx_staff
):
    fill_all(measures, dx_staff)
    review.review_mark_filled(fiscal_year=2025, by=dx_staff)
    with pytest.raises(Refusal):  # one measure without a decision
        review.board_record(
            fiscal_year=2025,
            meeting_date=date(2026, 5, 1),
            decision="了承",
            per_measure={measures["dx"].pk: {"board_decision": "continue"}},
            by=dx_staff,
        )
    with pytest.raises(Refusal):  # a meeting in the future
        review.board_record(
            fiscal_year=2025,
            meeting_date=timezone.localdate() + timedelta(days=1),
            decision="了承",
            per_measure={},
            by=dx_staff,
        )
    assert review.review_status(2025) == "filled"
    record_board(measures, dx_staff)
    with pytest.raises(Refusal):
        review.check_save(
            measure=measures["dx"], fiscal_year=2025, data={**FILLED, "done": "x"}, by=dx_staff
        )
    assert MeasureCheck.objects.get(measure=measures["dx"]).done == FILLED["done"]


def test_a_section_fills_only_its_own_rows_and_dx_sees_all(
    measures, client, client_for, lending_staff, dx_staff, volunteer_user
):
    lending_url = reverse("kpi:check_edit", args=[2025, "equipment"])
    dx_url = reverse("kpi:check_edit", args=[2025, "training"])
    page_url = reverse("kpi:review", args=[2025])
    assert client.get(page_url)["Location"].startswith("/accounts/login/")
    assert client_for(volunteer_user).get(page_url).status_code == 403
    seikatsu = client_for(lending_staff)
    assert seikatsu.get(dx_url).status_code == 404  # another section's row
    page = seikatsu.get(page_url)
    assert [r["measure"].code for r in page.context["rows"]] == ["equipment"]
    response = seikatsu.post(lending_url, FILLED)
    assert response.status_code == 302
    check = MeasureCheck.objects.get(measure=measures["lending"], fiscal_year=2025)
    assert (check.progress, check.updated_by) == ("done", lending_staff)
    assert audit_history(check).first().action == "kpi.measure_check.saved"
    # 生活課 cannot take the year further
    assert seikatsu.post(reverse("kpi:review_filled", args=[2025])).status_code == 403
    assert seikatsu.post(reverse("kpi:review_publish", args=[2025])).status_code == 403
    somu = client_for(dx_staff)
    assert [r["measure"].code for r in somu.get(page_url).context["rows"]] == [
        "equipment",
        "training",
    ]
    assert somu.get(lending_url).status_code == 200


def test_a_row_done_needs_what_was_done(measures, client_for, lending_staff):
    url = reverse("kpi:check_edit", args=[2025, "equipment"])
    response = client_for(lending_staff).post(url, {**FILLED, "done": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["done"]
    assert not MeasureCheck.objects.exists()


def test_public_report_shows_only_published_years_and_the_running_year_marked(
    texts, measures, client, dx_staff
):
    from core.fiscal import current_fiscal_year

    running = current_fiscal_year()  # after 令和7年度: provisional figures, no plan needed
    # Nothing published yet: only the running year, marked provisional.
    assert client.get("/kpi/2025/").status_code == 404
    assert client.get("/kpi/2025.csv").status_code == 404
    page = client.get("/kpi/")
    assert page.context["year_menu"] == [{"fiscal_year": running, "published": False}]
    assert page.context["sheet"]["fiscal_year"] == running and not page.context["published"]
    assert "kpi-provisional" in page.content.decode() and "暫定" in page.content.decode()
    fill_all(measures, dx_staff)
    review.review_mark_filled(fiscal_year=2025, by=dx_staff)
    record_board(measures, dx_staff)
    services.year_close(fiscal_year=2025, by=dx_staff)
    # confirmed but not published: still not public
    assert client.get("/kpi/2025/").status_code == 404
    review.review_publish(fiscal_year=2025, by=dx_staff)
    # /kpi/ opens on the newest published year; the running year stays in the menu, marked
    page = client.get("/kpi/")
    html = page.content.decode()
    assert page.context["sheet"]["fiscal_year"] == 2025 and page.context["published"]
    assert "確定" in html and "kpi-provisional" not in html
    assert "備品の貸し出し" in html and "lendingの意見" in html  # the measures and the board
    assert page.context["year_menu"] == [
        {"fiscal_year": running, "published": False},
        {"fiscal_year": 2025, "published": True},
    ]
    assert client.get("/kpi/2025.json").status_code == 200
    assert client.get("/kpi/2024/").status_code == 404  # never reviewed
    provisional = client.get(f"/kpi/{running}/").content.decode()
    assert "kpi-provisional" in provisional and "暫定" in provisional


def test_reopening_takes_the_year_back_to_the_board_and_off_the_public_page(
    texts, measures, client, dx_staff
):
    fill_all(measures, dx_staff)
    review.review_mark_filled(fiscal_year=2025, by=dx_staff)
    record_board(measures, dx_staff)
    services.year_close(fiscal_year=2025, by=dx_staff)
    review.review_publish(fiscal_year=2025, by=dx_staff)
    assert client.get("/kpi/2025/").status_code == 200
    services.year_reopen(fiscal_year=2025, by=dx_staff, reason="数値の訂正")
    assert review.review_status(2025) == "board"
    assert client.get("/kpi/2025/").status_code == 404
    services.year_close(fiscal_year=2025, by=dx_staff)
    review.review_publish(fiscal_year=2025, by=dx_staff)
    assert client.get("/kpi/2025/").status_code == 200


def test_version_up_starts_from_the_boards_decisions(texts, measures, dx_staff):
    from decimal import Decimal

    previous = PlanPeriod.objects.get(code="test-2021")
    with pytest.raises(Refusal, match="推進本部"):
        services.period_version_up(
            previous=previous,
            code="test-2026",
            name="次期",
            last_fiscal_year=2030,
            targets={},
            by=dx_staff,
        )
    assert not PlanPeriod.objects.filter(code="test-2026").exists()
    extra = Measure.objects.create(
        period=previous,
        code="ended",
        sort_order=3,
        area="divide",
        name="終える取り組み",
        section="dx",
    )
    measures = {**measures, "ended": extra}
    fill_all(measures, dx_staff)
    review.review_mark_filled(fiscal_year=2025, by=dx_staff)
    record_board(
        measures,
        dx_staff,
        decisions={"dx": "change", "ended": "end"},
        new_measure={
            "name": "オンライン申請の案内",
            "area": "divide",
            "section": "dx",
            "actions": "案内",
        },
    )
    services.year_close(fiscal_year=2025, by=dx_staff)
    new = services.period_version_up(
        previous=previous,
        code="test-2026",
        name="次期",
        last_fiscal_year=2030,
        targets={"joined": Decimal(60)},
        by=dx_staff,
    )
    carried = {m.code: m for m in new.measures.all()}
    added = carried.pop("added-2025-1")
    assert (added.name, added.section, added.actions) == ("オンライン申請の案内", "dx", "案内")
    assert set(carried) == {"equipment", "training"}  # the ended one is not carried
    assert carried["training"].review_note == "dxの意見"  # the change the board asked for
    assert carried["equipment"].review_note == ""
    assert {k.period_id for k in carried["training"].kpis.all()} == {new.pk}
    assert set(carried["training"].kpis.values_list("code", flat=True)) == {"training", "incidents"}
    assert new.kpis.get(code="joined").target_value == 60
    assert Measure.objects.filter(period=previous).count() == 3  # the old plan untouched


def test_board_page_records_the_meeting(measures, client_for, dx_staff, lending_staff):
    fill_all(measures, dx_staff)
    somu = client_for(dx_staff)
    assert somu.post(reverse("kpi:review_filled", args=[2025])).status_code == 302
    url = reverse("kpi:review_board", args=[2025])
    assert client_for(lending_staff).get(url).status_code == 403
    meeting = timezone.localdate() - timedelta(days=1)
    data = {"meeting_date": meeting.isoformat(), "decision": "了承"}
    for key, measure in measures.items():
        data[f"decision_{measure.pk}"] = "continue"
        data[f"comment_{measure.pk}"] = f"{key}について"
    # a new measure needs its area and section
    response = somu.post(url, {**data, "new_name": "新しい取り組み"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"new_area", "new_section"}
    assert somu.post(url, data).status_code == 302
    year_review = YearReview.objects.get(fiscal_year=2025)
    assert (year_review.status, year_review.meeting_date) == ("board", meeting)
    assert MeasureCheck.objects.get(measure=measures["dx"]).board_comment == "dxについて"


def test_review_page_query_count_does_not_grow_with_the_measures(
    measures, client_for, dx_staff, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(dx_staff)
    url = reverse("kpi:review", args=[2025])
    review.check_save(measure=measures["dx"], fiscal_year=2025, data=FILLED, by=dx_staff)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    period = PlanPeriod.objects.get(code="test-2021")
    for n in range(50):
        m = Measure.objects.create(
            period=period,
            code=f"m{n}",
            sort_order=10 + n,
            area="divide",
            name=f"取組{n}",
            section="dx",
        )
        review.check_save(measure=m, fiscal_year=2025, data=FILLED, by=dx_staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_workbook_has_a_kpi_sheet_and_a_measure_sheet_with_numbers_as_numbers(
    texts, measures, client_for, dx_staff
):
    from openpyxl import load_workbook

    fill_all(measures, dx_staff)
    response = client_for(dx_staff).get(reverse("kpi:sheet_xlsx", args=[2025]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["令和7年度 KPI", "令和7年度 個別取り組み"]
    kpis, measures_sheet = book.worksheets
    header = [c.value for c in kpis[1]]
    assert "実績値(令和3年度)" in header and "実績値(令和7年度)" in header
    rows = {
        line[3]: dict(zip(header, line, strict=True))
        for line in kpis.iter_rows(min_row=2, values_only=True)
    }
    joined = rows["登録者数(年間)"]
    assert joined["実績値(令和7年度)"] == 20 and isinstance(joined["実績値(令和7年度)"], int)
    assert joined["達成率(%)"] == 50 and joined["基準値"] == 10
    training = rows["延べ受講者数"]
    assert training["実績値(令和4年度)"] == 58  # typed in, still a number
    assert "実績値(令和4年度): 手入力" in training["注記"]
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    m_header = [c.value for c in measures_sheet[1]]
    m_rows = [
        dict(zip(m_header, line, strict=True))
        for line in measures_sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert [(r["個別取り組み"], r["所管課"], r["実施状況"], r["自己評価"]) for r in m_rows] == [
        ("備品の貸し出し", "生活課", "実施", "順調"),
        ("研修の実施", "総務課", "実施", "順調"),
    ]
    assert m_rows[0]["工程(当該年度)"] == "周知"


def test_print_page_has_the_measures(measures, client_for, dx_staff):
    fill_all(measures, dx_staff)
    html = client_for(dx_staff).get(reverse("kpi:sheet_print", args=[2025])).content.decode()
    assert "備品の貸し出し" in html and FILLED["done"] in html
    assert "@page" not in html  # the print rules live in the stylesheet (CSP)


def test_publish_helper_takes_a_plan_without_measures_to_the_public_page(
    texts, facts, client, dx_staff
):
    publish(2025, dx_staff)
    assert client.get("/kpi/2025/").status_code == 200


def test_version_up_page_shows_the_boards_decision_per_measure(
    texts, measures, client_for, dx_staff
):
    url = reverse("kpi:period_version_up", args=[PlanPeriod.objects.get(code="test-2021").pk])
    client = client_for(dx_staff)
    assert "まだ記録されていません" in client.get(url).content.decode()
    fill_all(measures, dx_staff)
    review.review_mark_filled(fiscal_year=2025, by=dx_staff)
    record_board(measures, dx_staff, decisions={"dx": "end"})
    html = client.get(url).content.decode()
    assert "研修の実施: <strong>終了</strong> (引き継ぎません)" in html
    assert "備品の貸し出し: <strong>継続</strong>" in html


@pytest.mark.parametrize(
    ("now", "public"),
    [
        ((2026, 3, 31, 23, 59), [{"fiscal_year": 2025, "published": False}]),  # still running
        ((2026, 4, 1, 0, 0), []),  # over, not reviewed yet: off the public page
    ],
)
def test_the_running_year_leaves_the_public_page_at_the_fiscal_year_end(
    engine_period, monkeypatch, now, public
):
    from .conftest import at

    monkeypatch.setattr(timezone, "now", lambda: at(*now))
    assert [y for y in review.public_years() if y["fiscal_year"] <= 2025] == public


def test_the_year_end_check_opens_on_the_year_that_ended(
    measures, client_for, lending_staff, monkeypatch
):
    from .conftest import at

    client = client_for(lending_staff)
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 3, 31, 23, 59))
    assert client.get(reverse("kpi:review_index"))["Location"] == reverse("kpi:review", args=[2024])
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 4, 1, 0, 0))
    assert client.get(reverse("kpi:review_index"))["Location"] == reverse("kpi:review", args=[2025])


def test_dashboard_says_where_the_year_end_check_stands(
    measures, client_for, dx_staff, monkeypatch
):
    from .conftest import at

    monkeypatch.setattr(timezone, "now", lambda: at(2026, 5, 1))
    html = client_for(dx_staff).get(reverse("kpi:dashboard")).content.decode()
    assert "令和7年度のチェック: 作成中" in html
    assert reverse("kpi:review", args=[2025]) in html


def test_a_measure_added_after_the_rows_were_filled_is_named_not_a_server_error(measures, dx_staff):
    fill_all(measures, dx_staff)
    review.review_mark_filled(fiscal_year=2025, by=dx_staff)
    late = Measure.objects.create(
        period=PlanPeriod.objects.get(code="test-2021"),
        code="late",
        area="divide",
        name="後から足した取り組み",
        section="dx",
    )
    with pytest.raises(Refusal) as info:
        record_board({**measures, "late": late}, dx_staff)
    assert info.value.errors[None] == ["後から足した取り組み"]
    assert review.review_status(2025) == "filled"
