"""総務課 works through the 連絡リスト: sees who to call, reads the script, taps the outcome."""

import pytest

from core.messaging import Recipient, send_message
from core.models import Facility, Message
from tests.browser.a11y import check_page

pytestmark = pytest.mark.browser


def _notice(recipients):
    about = Facility.objects.create(
        name="茂原市中央公民館", name_kana="チュウオウ", address="茂原市"
    )
    send_message(
        event="core.notice.sent",
        template="core/messages/notice",
        recipients=recipients,
        context={"title": "臨時休館のお知らせ", "text": "来週月曜日は臨時休館です。"},
        about=about,
    )


def test_dx_staff_call_a_resident_without_email_and_record_it(page, sign_in, dx_staff, screenshot):
    _notice(
        [
            Recipient(name="佐々木 幸子", name_kana="ササキ サチコ", phone="0475-22-4411"),
            Recipient(name="山本 健", email="yamamoto@example.jp"),
        ]
    )
    sign_in(dx_staff)
    page.goto("/dashboard/")
    page.get_by_role("link", name="連絡リスト：今日連絡する方 1人").click()
    page.wait_for_load_state()
    call = page.get_by_role("article", name="佐々木 幸子")
    assert call.get_by_role("link", name="0475-22-4411 に電話する").get_attribute("href") == (
        "tel:0475-22-4411"
    )
    assert "来週月曜日は臨時休館です。" in call.inner_text()
    check_page(page)
    screenshot(suffix="-list")
    call.get_by_role("button", name="連絡済み").click()
    page.wait_for_load_state()
    assert "佐々木 幸子 さん：連絡済みを記録しました。" in page.inner_text("main")
    assert page.get_by_text("今日連絡する方はいません。").is_visible()
    assert Message.objects.get(name="佐々木 幸子").status == Message.Status.CALLED
    check_page(page)
    screenshot()


def test_the_outbox_and_the_template_editor_are_accessible(page, sign_in, dx_staff, screenshot):
    _notice([Recipient(name="山本 健", email="yamamoto@example.jp")])
    sign_in(dx_staff)
    page.goto("/messages/")
    assert page.get_by_role("link", name="山本 健").is_visible()
    check_page(page)
    page.goto("/messages/templates/")
    page.get_by_role("link", name="初期の文面").first.click()
    page.wait_for_load_state()
    page.get_by_label("件名").fill("【お知らせ】{{ title }}")
    page.get_by_role("button", name="プレビュー").click()
    page.wait_for_load_state()
    assert "【お知らせ】臨時休館のお知らせ" in page.inner_text("main")
    check_page(page)
    screenshot()
