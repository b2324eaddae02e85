"""総務課 keeps the Wi-Fi registry in a real browser: a refused status change is shown
beside its field, the change log names people and fields, and a wrong CSV is
explained line by line in the error summary. Every page passes the accessibility
checks (axe WCAG 2.2 A/AA, 44px targets, 320px reflow)."""

from datetime import date

import pytest

from core.roles import Role
from tests.browser.a11y import check_page
from wifi.models import MachineStatus, MonthlyUsage

pytestmark = pytest.mark.browser


def test_dx_staff_keeps_the_registry(page, sign_in, make_user, make_machine, screenshot, tmp_path):
    staff = make_user(Role.DX_STAFF, full_name="総務課 DX推進係")
    machine = make_machine(code="WV-501", history=[("operating", date(2025, 6, 1))])
    sign_in(staff)

    page.goto(f"/wifi/machines/{machine.pk}/status/")
    check_page(page)
    page.get_by_label("新しい状態").select_option("suspended")
    page.get_by_label("開始日").fill("2025-05-31")
    page.get_by_label("理由").fill("故障")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert "令和7年6月1日" in summary.inner_text()
    check_page(page)  # the error summary and the field error pass the checks too

    page.get_by_label("開始日").fill("2025-07-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    machine.refresh_from_db()
    assert machine.status == MachineStatus.SUSPENDED
    history = page.locator("section.history")
    assert "総務課 DX推進係" in history.inner_text()
    assert "運用中 → 休止中" in history.inner_text()
    check_page(page)

    page.goto("/wifi/usage/import/")
    check_page(page)
    bad = tmp_path / "usage.csv"
    bad.write_text(
        "管理番号,年月,接続数,利用者数,データ量MB,出典\nWV-501,2025-04,たくさん,,,推計\n",
        encoding="utf-8",
    )
    page.get_by_label("CSVファイル").set_input_files(str(bad))
    page.get_by_role("button", name="確認して取り込む").click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert "何も取り込んでいません" in summary.inner_text()
    assert "2行目「接続数」" in summary.inner_text()
    assert not MonthlyUsage.objects.exists()
    check_page(page)
    screenshot()
