"""総務課 in a real browser: imports the personnel list, records who attended a security
training session by employee number, and reads who has not attended yet, per section.
Every page passes the accessibility checks (axe WCAG 2.2 A/AA, 44px targets, reflow)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from outreach.models import ClassSession, Course, StaffMember
from tests.browser.a11y import check_page

pytestmark = pytest.mark.browser

PERSONNEL = (
    "職員番号,氏名,氏名カナ,所属\n"
    "000101,茂原 一郎,モバラ イチロウ,総務課\n"
    "000102,本納 花子,ホンノウ ハナコ,総務課\n"
    "000201,豊田 次郎,トヨダ ジロウ,生活課\n"
)


def test_dx_staff_finds_who_has_not_been_trained(
    page, sign_in, make_user, make_facility, screenshot, tmp_path
):
    staff = make_user(Role.DX_STAFF, full_name="総務課 DX推進係")
    course = Course.objects.create(
        code="security-browser",
        name="情報セキュリティ研修",
        category=Course.Category.SECURITY_TRAINING,
        audience=Course.Audience.STAFF,
    )
    starts = timezone.localtime().replace(hour=15, minute=0, second=0, microsecond=0)
    starts = starts - timedelta(days=1) if starts > timezone.now() else starts
    session = ClassSession.objects.create(
        course=course,
        title=course.name,
        venue=make_facility("市役所 大会議室"),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        capacity=40,
    )
    sign_in(staff)

    page.goto("/outreach/staff/import/")
    check_page(page)
    upload = tmp_path / "personnel.csv"
    upload.write_text(PERSONNEL, encoding="utf-8-sig")
    page.get_by_label("職員名簿（CSVファイル）").set_input_files(str(upload))
    page.get_by_role("button", name="取り込む", exact=True).click()
    page.wait_for_load_state()
    assert StaffMember.objects.count() == 3
    assert "職員名簿を反映しました" in page.content()
    check_page(page)

    page.goto(f"/outreach/classes/{session.pk}/staff-attendance/")
    check_page(page)
    page.get_by_label("職員番号").fill("000102")
    page.get_by_role("button", name="追加", exact=True).click()
    page.wait_for_load_state()
    assert "本納 花子" in page.locator("table").inner_text()
    page.get_by_label("職員番号").fill("999999")
    page.get_by_role("button", name="追加", exact=True).click()
    page.wait_for_load_state()
    assert "この職員番号の職員は名簿にいません" in page.locator("[data-error-summary]").inner_text()
    check_page(page)

    page.get_by_role("link", name="職員ごとのセキュリティ研修受講状況").first.click()
    page.wait_for_load_state()
    untrained = page.locator("table").last.inner_text()
    assert "茂原 一郎" in untrained and "豊田 次郎" in untrained
    assert "本納 花子" not in untrained
    check_page(page)
    screenshot()
