"""Nobody left uninformed, in a real browser: a resident cancels on her phone and 総務課 calls
the one who moved up; 総務課 cancels a class and the volunteer finds it released on the my
page while a mail waits in the outbox. Every page passes the accessibility checks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Message
from core.roles import Role
from outreach.models import Application, ClassSession, PhoneType, VolunteerSignup
from outreach.services import signup_create
from tests.browser.a11y import check_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser, live_server, page):
    """A resident's smartphone (390×844), in a context of its own."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_resident_cancels_online_and_dx_staff_call_sasaki_who_moved_up(
    page, phone_page, sign_in, make_user, make_session, make_application, screenshot
):
    session = make_session(title="はじめてのLINE", capacity=1, status=ClassSession.Status.FULL)
    hanako = make_application(session, name="茂原 花子", phone="0475-23-1111")
    make_application(
        session,
        name="佐々木 幸子",
        name_kana="ささき さちこ",
        phone="0475-22-4411",
        phone_type=PhoneType.RAKURAKU,
        status=Application.Status.WAITLISTED,
    )
    # The resident, on her phone.
    phone_page.goto("/classes/cancel/")
    check_page(phone_page)
    phone_page.get_by_label("受付番号").fill(f"{hanako.reference[:4]}-{hanako.reference[4:]}")
    phone_page.get_by_label("電話番号").fill("0475-23-1111")
    phone_page.get_by_role("button", name="申込みを探す").click()
    phone_page.wait_for_load_state()
    check_page(phone_page)  # the question: which class, and one more button
    phone_page.get_by_role("button", name="はい、取り消します").click()
    phone_page.wait_for_load_state()
    assert "取り消しました" in phone_page.inner_text("main")
    check_page(phone_page)
    screenshot(phone_page, suffix="-resident")

    # 総務課 finds 佐々木さん on the call list and records the call.
    staff = make_user(Role.DX_STAFF, full_name="総務課 DX推進係")
    sign_in(staff)
    page.goto("/dashboard/")
    page.get_by_role("link", name="連絡リスト：今日連絡する方 1人").click()
    page.wait_for_load_state()
    call = page.get_by_role("article", name="佐々木 幸子")
    assert call.get_by_role("link", name="0475-22-4411 に電話する").get_attribute("href") == (
        "tel:0475-22-4411"
    )
    script = call.inner_text()
    assert "ささき さちこ" in script and "参加できることになりました" in script
    assert "はじめてのLINE" in script
    check_page(page)
    screenshot(suffix="-call-list")
    call.get_by_role("button", name="連絡済み").click()
    page.wait_for_load_state()
    assert "佐々木 幸子 さん：連絡済みを記録しました。" in page.inner_text("main")
    message = Message.objects.get(event="outreach.application.promoted")
    assert message.status == Message.Status.CALLED and message.done_by == staff
    check_page(page)
    screenshot()


def test_dx_staff_cancel_a_class_and_the_volunteer_sees_it_released(
    page,
    phone_page,
    new_page,
    sign_in,
    make_user,
    make_profile,
    make_session,
    make_application,
    screenshot,
):
    session = make_session(
        title="マイナンバーカード入門", starts_at=timezone.now() + timedelta(days=9)
    )
    make_application(session, name="佐々木 幸子", phone="0475-22-4411")
    volunteer_user = make_user(full_name="鶴岡 一郎", email="tsuruoka@example.jp")
    profile = make_profile(user=volunteer_user, status="active", full_name="鶴岡 一郎")
    signup_create(session=session, volunteer=profile, role=VolunteerSignup.Role.ASSISTANT)

    staff = make_user(Role.DX_STAFF, full_name="総務課 DX推進係")
    sign_in(staff)
    page.goto(f"/outreach/classes/{session.pk}/")
    page.get_by_role("link", name="この回を中止する").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "1人（キャンセル待ちを含む）にお知らせします" in main
    assert "支援員1人のお手伝いの申し込みを解除し" in main
    check_page(page)
    page.get_by_label("理由").fill("講師の急病のため")
    page.get_by_role("button", name="中止する").click()
    page.wait_for_load_state()
    assert "教室を中止しました" in page.inner_text("main")
    check_page(page)

    # A mail to the volunteer is in the outbox.
    page.goto("/messages/")
    assert page.get_by_role("link", name="鶴岡 一郎").is_visible()
    mail = Message.objects.get(event="outreach.session.cancelled", name="鶴岡 一郎")
    assert mail.channel == Message.Channel.EMAIL and mail.email == "tsuruoka@example.jp"
    check_page(page)
    screenshot(suffix="-outbox")

    # The volunteer's my page says the class is cancelled and the sign-up released.
    volunteer_tab = new_page()
    sign_in(volunteer_user, tab=volunteer_tab)
    volunteer_tab.goto("/volunteering/mypage/")
    released = volunteer_tab.locator("main article", has_text="マイナンバーカード入門")
    text = released.inner_text()
    assert "この教室は中止になりました" in text and "解除されました" in text
    assert "講師の急病のため" in text
    check_page(volunteer_tab)
    screenshot(volunteer_tab, suffix="-volunteer")

    # A resident opening the class's page on her phone reads the notice, not a 404.
    response = phone_page.goto(f"/classes/{session.pk}/")
    assert response.status == 200
    notice = phone_page.inner_text("main")
    assert "この教室は中止になりました" in notice and "講師の急病のため" in notice
    check_page(phone_page)
    screenshot(phone_page, suffix="-public-notice")


def test_a_moved_class_page_and_the_reception_list_are_accessible(
    page,
    phone_page,
    sign_in,
    make_user,
    make_session,
    make_application,
    make_facility,
    screenshot,
):
    from outreach.services import session_update

    session = make_session(title="スマホで地図を使おう", capacity=4)
    for n, kana in enumerate(["ささき さちこ", "もばら はなこ", "とうごう じろう"]):
        make_application(session, name_kana=kana, phone=f"0475-22-44{n:02d}")
    staff = make_user(Role.DX_STAFF, full_name="総務課 DX推進係")
    later = timezone.localtime(session.starts_at + timedelta(days=7))
    session_update(
        session=session,
        by=staff,
        starts_at=later,
        ends_at=later + timedelta(hours=2),
        venue=make_facility(name="茂原市本納公民館"),
    )
    phone_page.goto(f"/classes/{session.pk}/")
    notice = phone_page.inner_text("main")
    assert "この教室の日時が変わりました" in notice and "本納公民館" in notice
    check_page(phone_page)
    screenshot(phone_page, suffix="-moved")

    sign_in(staff)
    page.goto(f"/outreach/classes/{session.pk}/")
    page.get_by_role("link", name="受付名簿（印刷）").click()
    page.wait_for_load_state()
    assert "ささき さちこ" in page.inner_text("main")
    check_page(page)
    page.emulate_media(media="print")
    screenshot(suffix="-roster-print")
