"""The 進行管理 in a browser: 生活課 fills its measure's row, 総務課 records the DX board's
meeting, confirms and publishes 令和7年度, and a resident reads it on a phone (issue 16,
issue 14's public KPI report)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from kpi import review, services
from kpi.demo import CHECKS_2025, MANUAL, TEXTS_2025
from kpi.models import KpiDefinition, MeasureCheck, YearReview
from tests.browser.a11y import check_page
from tests.browser.conftest import SCREENSHOT_DIR

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PERIOD = "dx-policy-2021"


def _prepare_2025(somu) -> None:
    """What 総務課 has done before the journey: years before go-live typed in, the KPI
    texts written, and the four rows of its own measures filled in."""
    kpis = {k.code: k for k in KpiDefinition.objects.filter(period__code=PERIOD)}
    for code, years in MANUAL.items():
        for year, value in years.items():
            services.manual_value_set(
                kpi=kpis[code], fiscal_year=year, value=Decimal(value), note="紙の記録", by=somu
            )
    for kpi in kpis.values():
        analysis, outlook = TEXTS_2025.get(kpi.code, ("要因", "方向性"))
        services.comment_save(
            kpi=kpi, fiscal_year=2025, analysis=analysis, outlook=outlook, by=somu
        )
    for row in review.check_rows(2025):
        measure = row["measure"]
        if measure.section == "lending":
            continue
        _email, progress, done, assessment, issues, direction, *_ = CHECKS_2025[measure.code]
        review.check_save(
            measure=measure,
            fiscal_year=2025,
            data={
                "progress": progress,
                "done": done,
                "assessment": assessment,
                "issues": issues,
                "direction": direction,
            },
            by=somu,
        )


def test_sections_fill_the_board_reviews_and_a_resident_reads_the_published_year(
    page, new_page, sign_in, make_user, screenshot
):
    seikatsu = make_user(Role.LENDING_STAFF, full_name="生活課 窓口 花子")
    somu = make_user(Role.DX_STAFF, full_name="総務課 DX推進係 太郎")
    _prepare_2025(somu)

    # 生活課 sees only its own measure and fills its row.
    sign_in(seikatsu)
    page.goto("/kpi/staff/review/2025/")
    check_page(page)
    rows = page.locator("article.kpi-measure h3").all_inner_texts()
    assert rows == ["コミュニティ備品（デジタル対応）の貸し出し"]
    page.get_by_role("link", name="この行を記入する").click()
    page.wait_for_load_state()
    check_page(page)
    page.get_by_label("実施", exact=True).check()
    page.get_by_label("実施内容").fill(
        "タブレットとモバイルWi-Fiルーターを貸し出し、自治会の会議で周知した。"
    )
    page.get_by_label("おおむね順調", exact=True).check()
    page.get_by_label("課題").fill("貸出の少ない地区がある。")
    page.get_by_label("今後の方向性").fill("貸出の少ない地区へ出前説明を行う。")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.locator(".message--success").is_visible()
    check = MeasureCheck.objects.get(measure__code="community-equipment", fiscal_year=2025)
    assert (check.progress, check.assessment, check.updated_by) == ("done", "mostly", seikatsu)

    # 総務課: every row is in, the DX board met, the year is confirmed and published.
    staff = new_page()
    sign_in(somu, tab=staff)
    staff.goto("/kpi/staff/review/2025/")
    check_page(staff)
    assert len(staff.locator("article.kpi-measure").all()) == 5
    staff.get_by_role("button", name="全課の記入が済んだ").click()
    staff.wait_for_load_state()
    assert review.review_status(2025) == YearReview.Status.FILLED
    staff.get_by_role("link", name="推進本部での検討を記録する").click()
    staff.wait_for_load_state()
    check_page(staff)
    meeting = timezone.localdate() - timedelta(days=2)
    staff.get_by_label("推進本部の会議の日").fill(meeting.isoformat())
    staff.get_by_label("会議の決定事項").fill("令和7年度の進行管理シートを了承し、公表する。")
    for measure_code, entry in CHECKS_2025.items():
        name = review.Measure.objects.get(period__code=PERIOD, code=measure_code).name
        group = staff.locator("fieldset", has_text=f"「{name}」についての判断")
        group.get_by_label("見直して継続" if entry[6] == "change" else "継続", exact=True).check()
        staff.get_by_label(f"「{name}」への意見").fill(entry[7] or "了承")
    staff.get_by_role("button", name="検討結果を記録する").click()
    staff.wait_for_load_state()
    assert review.review_status(2025) == YearReview.Status.BOARD
    staff.get_by_role("link", name="年度を確定する").click()
    staff.wait_for_load_state()
    staff.get_by_role("button", name="締めて確定する").click()
    staff.wait_for_load_state()
    assert review.review_status(2025) == YearReview.Status.CONFIRMED
    staff.goto("/kpi/staff/review/2025/")
    staff.get_by_role("button", name="この年度を公表する").click()
    staff.wait_for_load_state()
    assert review.review_status(2025) == YearReview.Status.PUBLISHED
    assert "公表" in staff.locator("#status-heading").inner_text()
    screenshot(tab=staff, suffix="-review")

    # A resident on a phone reads 令和7年度 on /kpi/.
    resident = new_page()
    resident.set_viewport_size(PHONE)
    resident.goto("/kpi/")
    assert "令和7年度" in resident.get_by_role("heading", level=1).inner_text()
    assert "確定" in resident.locator("main").inner_text()
    check_page(resident)
    resident.set_viewport_size(PHONE)
    # No horizontal scroll of the page at 390 px; the wide table is not shown.
    assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not resident.locator("table.kpi-sheet").is_visible()
    # Each KPI: a card with its years labelled and a titled chart.
    cards = resident.locator("article.kpi-card")
    assert cards.count() == 5
    for index in range(5):
        card = cards.nth(index)
        years = card.locator("table.kpi-card-years tbody th").all_inner_texts()
        assert years == ["令和3年度", "令和4年度", "令和5年度", "令和6年度", "令和7年度"]
        title = card.locator("figcaption.kpi-chart-title")
        assert title.is_visible() and "の推移" in title.inner_text()
        sizes = card.locator("svg text").evaluate_all(
            "els => els.map(e => parseFloat(getComputedStyle(e).fontSize)"
            " * e.ownerSVGElement.getBoundingClientRect().width"
            " / e.ownerSVGElement.viewBox.baseVal.width)"
        )
        assert min(sizes) >= 16, sizes  # rendered size on the phone, not the SVG units
    # 「目標値 0」 stands clear of the bars and their values.
    zero = (
        resident.locator("#kpi-security-incidents")
        .locator("..")
        .locator("text.kpi-chart-target-label")
    )
    target_box = zero.bounding_box()
    for other in (
        resident.locator("#kpi-security-incidents")
        .locator("..")
        .locator("svg text:not(.kpi-chart-target-label), svg rect")
        .all()
    ):
        box = other.bounding_box()
        if box is None or box["width"] == 0:
            continue
        overlap = not (
            box["y"] >= target_box["y"] + target_box["height"]
            or box["y"] + box["height"] <= target_box["y"]
            or box["x"] >= target_box["x"] + target_box["width"]
            or box["x"] + box["width"] <= target_box["x"]
        )
        assert not overlap
    # The measures and the board's word are public with the year.
    measures = resident.locator("section[aria-labelledby=measures-heading]").inner_text()
    assert "コミュニティ備品（デジタル対応）の貸し出し" in measures and "おおむね順調" in measures
    screenshot(tab=resident, suffix="-phone")
    # Issue 14's "after" (the "before" was taken on the unmodified code at 390×844).
    resident.screenshot(path=str(SCREENSHOT_DIR / "issue14-kpi-public-after.png"), full_page=True)
