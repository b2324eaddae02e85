"""The return kiosk through real HTTP: every outcome, no personal data, one return per item."""

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation

from core.audit import audit_history
from core.models import AuditEntry, User
from core.roles import Role
from lending.models import Item, ItemDay, Loan, Organisation, Reservation
from lending.selectors import open_loan_for_item
from lending.services import item_token_reissue, loan_return

from .loans import put_on_loan

RETURNED = "返却を受け付けました"
ALREADY = "すでに返却済みです"
NOT_ON_LOAN = "この備品は貸出中ではありません"
UNKNOWN = "このコードは使えません"


@pytest.fixture
def org(make_org):
    return make_org(
        name="東郷北自治会",
        representative_name="茂原 花子",
        representative_phone="0475-99-1234",
        pickup_contact_name="受取 次郎",
        pickup_contact_phone="090-1111-2222",
        return_contact_name="返却 三郎",
        return_contact_phone="090-3333-4444",
    )


@pytest.fixture
def personal(org):
    """Text that must never appear on a kiosk screen."""
    return [
        org.name,
        org.representative_name,
        org.representative_phone,
        org.pickup_contact_name,
        org.pickup_contact_phone,
        org.return_contact_name,
        org.return_contact_phone,
        "東郷北夏祭り",
    ]


@pytest.fixture
def on_loan(make_item, org):
    item = make_item(name="EPSON EB-W06", components=["本体", "電源ケーブル", "リモコン"])
    loan = put_on_loan(item, org, event_name="東郷北夏祭り")
    return item, loan


@pytest.fixture
def kiosk(client_for, kiosk_user):
    return client_for(kiosk_user)


def scan(client, code: str):
    response = client.post("/kiosk/", {"code": code})
    # The parts-check form carries a signed ticket for the return this kiosk just made.
    if match := re.search(r'name="ticket" value="([^"]+)"', response.content.decode()):
        client.kiosk_ticket = match.group(1)
    return response


def report(client, loan, data: dict, *, ticket: str | None = None):
    """Answer the parts check of ``loan`` as the kiosk's form does (with its ticket)."""
    ticket = getattr(client, "kiosk_ticket", "") if ticket is None else ticket
    return client.post(f"/kiosk/returns/{loan.pk}/components/", {"ticket": ticket, **data})


def text(response) -> str:
    return response.content.decode()


def assert_no_personal_data(response, personal):
    html = text(response)
    for secret in personal:
        assert secret not in html, secret


# --- the scan screen ---------------------------------------------------------


@pytest.mark.django_db
def test_scan_screen_has_one_large_focused_code_field_and_the_kiosk_script(kiosk):
    response = kiosk.get("/kiosk/")
    html = text(response)
    assert response.status_code == 200
    assert len(re.findall(r'<input[^>]*name="code"', html)) == 1
    field = re.search(r'<input[^>]*name="code"[^>]*>', html).group(0)
    assert "autofocus" in field
    assert "csrfmiddlewaretoken" in html
    assert "lending/kiosk.js" in html and "lending/kiosk.css" in html
    assert "data-reset-seconds" in html
    assert re.match(r"app;dur=\d+(\.\d)?$", response["Server-Timing"])
    # The network problem message is there, hidden, ready for kiosk.js.
    assert "返却は記録されていません" in html


@pytest.mark.django_db
def test_after_a_return_without_javascript_the_outcome_comes_first_and_nothing_scrolls_it_away(
    kiosk, on_loan
):
    """Issue 14: the outcome is the first thing on the screen; a browser without kiosk.js
    would scroll to an autofocused field below the parts check, so there is none."""
    item, _loan = on_loan
    html = text(scan(kiosk, item.qr_token))
    outcome = html.index('data-outcome="returned"')
    assert outcome < html.index("kiosk__checklist") < html.index('name="code"')
    assert outcome < html.index("data-kiosk-form")
    field = re.search(r'<input[^>]*name="code"[^>]*>', html).group(0)
    assert "autofocus" not in field


@pytest.mark.django_db
def test_the_reset_forgets_english_for_the_next_person(kiosk):
    """Issue 14: kiosk.js's automatic reset and the manual "back" link go to ?reset=1."""
    kiosk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Return equipment here" in text(kiosk.get("/kiosk/"))
    response = kiosk.get("/kiosk/?reset=1")
    assert response.status_code == 302 and response["Location"] == "/kiosk/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "" and cookie["max-age"] == 0
    page = kiosk.get("/kiosk/")
    assert "備品の返却はこちら" in text(page)
    assert page["Content-Language"] == "ja"
    assert 'data-reset-url="/kiosk/?reset=1"' in text(page)


@pytest.mark.django_db
def test_kiosk_page_is_for_the_kiosk_role_only(client, client_for, lending_staff, org_rep_user):
    assert client.get("/kiosk/")["Location"].startswith("/accounts/login/")
    assert client_for(lending_staff).get("/kiosk/").status_code == 403
    assert client_for(org_rep_user).post("/kiosk/", {"code": "x"}).status_code == 403


@pytest.mark.django_db
def test_scan_needs_the_csrf_token_of_the_page(kiosk_user, on_loan):
    item, _loan = on_loan
    client = Client(enforce_csrf_checks=True)
    client.force_login(kiosk_user)
    assert client.post("/kiosk/", {"code": item.qr_token}).status_code == 403
    page = text(client.get("/kiosk/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/kiosk/", {"code": item.qr_token, "csrfmiddlewaretoken": token})
    assert RETURNED in text(response)


# --- outcomes ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["url", "token", "tag", "tag_lowercase"])
def test_scan_records_the_return_and_shows_the_item_and_its_parts(
    kiosk, kiosk_user, on_loan, personal, form
):
    item, loan = on_loan
    code = {
        "url": f"{settings.SITE_URL}/t/{item.qr_token}",
        "token": item.qr_token,
        "tag": item.tag_number,
        "tag_lowercase": item.tag_number.lower(),
    }[form]
    response = scan(kiosk, code)
    html = text(response)
    assert response.status_code == 200
    assert RETURNED in html
    assert "EPSON EB-W06" in html
    for part in item.components:
        assert f'name="missing" value="{part}"' in html
    assert "Server-Timing" in response
    assert_no_personal_data(response, personal)
    loan.refresh_from_db()
    item.refresh_from_db()
    assert loan.returned_at is not None
    assert loan.returned_via == Loan.Via.KIOSK
    assert loan.returned_by == kiosk_user
    assert not loan.was_late
    assert item.status == Item.Status.AWAITING_INSPECTION
    assert (
        AuditEntry.objects.filter(action="lending.loan.returned", target_id=str(loan.pk)).count()
        == 1
    )


@pytest.mark.django_db
def test_second_scan_changes_nothing_and_says_already_returned(kiosk, on_loan, personal):
    item, loan = on_loan
    assert RETURNED in text(scan(kiosk, item.qr_token))
    loan.refresh_from_db()
    first_return = loan.returned_at
    response = scan(kiosk, item.qr_token)
    assert ALREADY in text(response)
    assert RETURNED not in text(response)
    assert_no_personal_data(response, personal)
    loan.refresh_from_db()
    assert loan.returned_at == first_return
    assert AuditEntry.objects.filter(action="lending.loan.returned").count() == 1


@pytest.mark.django_db
def test_item_that_is_not_on_loan_says_so(kiosk, make_item):
    item = make_item()
    response = scan(kiosk, item.tag_number)
    assert NOT_ON_LOAN in text(response)
    item.refresh_from_db()
    assert item.status == Item.Status.AVAILABLE
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["MB-XX-999", "nonsense token", "https://example.com/t/abc", "ｘ"])
def test_unknown_code_says_it_cannot_be_used(kiosk, code):
    response = scan(kiosk, code)
    assert response.status_code == 200
    assert UNKNOWN in text(response)


@pytest.mark.django_db
def test_retired_item_is_treated_as_unknown(kiosk, make_item):
    item = make_item()
    Item.objects.filter(pk=item.pk).update(status=Item.Status.RETIRED, retired_at=timezone.now())
    assert UNKNOWN in text(scan(kiosk, item.tag_number))


@pytest.mark.django_db
def test_old_label_after_token_reissue_is_unknown(kiosk, on_loan, lending_staff):
    item, loan = on_loan
    old = item.qr_token
    item_token_reissue(item=item, by=lending_staff)
    assert UNKNOWN in text(scan(kiosk, f"{settings.SITE_URL}/t/{old}"))
    assert RETURNED in text(scan(kiosk, item.qr_token))


@pytest.mark.django_db
def test_empty_scan_asks_to_scan_again(kiosk):
    html = text(scan(kiosk, "   "))
    assert "コードを読み取れませんでした" in html
    assert 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_late_return_is_recorded_as_late_and_staff_see_it(
    kiosk, client_for, lending_staff, make_item, org, personal
):
    item = make_item(name="テント 3間×2間")
    today = timezone.localdate()
    loan = put_on_loan(item, org, pickup=today - timedelta(days=10), due=today - timedelta(days=2))
    response = scan(kiosk, item.qr_token)
    html = text(response)
    assert RETURNED in html
    assert "返却期限を過ぎていました" in html
    assert_no_personal_data(response, personal)
    loan.refresh_from_db()
    assert loan.was_late
    staff_page = text(client_for(lending_staff).get(f"/t/{item.qr_token}"))
    assert "期限後に返却" in staff_page


# --- the parts check after a return ------------------------------------------


@pytest.mark.django_db
def test_all_parts_present_is_confirmed_once(kiosk, on_loan, personal):
    item, loan = on_loan
    scan(kiosk, item.qr_token)
    response = report(kiosk, loan, {"all_present": "1"})
    assert "部品はすべてそろっています" in text(response)
    assert_no_personal_data(response, personal)
    loan.refresh_from_db()
    assert loan.missing_components == []
    assert AuditEntry.objects.filter(action="lending.loan.parts_complete").count() == 1
    # Sending it again (double tap) records nothing more.
    again = report(kiosk, loan, {"all_present": "1"})
    assert "この確認はすでに終わっています" in text(again)
    assert AuditEntry.objects.filter(action="lending.loan.parts_complete").count() == 1


@pytest.mark.django_db
def test_missing_part_flags_the_loan_for_staff(kiosk, client_for, lending_staff, on_loan, personal):
    item, loan = on_loan
    scan(kiosk, item.qr_token)
    response = report(kiosk, loan, {"missing": ["リモコン"], "report_missing": "1"})
    html = text(response)
    assert "足りない部品を職員に知らせました" in html
    assert "リモコン" in html
    assert_no_personal_data(response, personal)
    loan.refresh_from_db()
    assert loan.missing_components == ["リモコン"]
    [entry] = AuditEntry.objects.filter(action="lending.loan.parts_missing")
    assert entry.target_id == str(loan.pk)
    staff = client_for(lending_staff)
    assert "不足: リモコン" in text(staff.get(f"/t/{item.qr_token}"))
    # The desk's inspection page shows what the kiosk reported.
    inspect = text(staff.get(f"/lending/loans/{loan.pk}/inspect/"))
    assert re.search(r"不足の申告</dt><dd>リモコン</dd>", inspect)


@pytest.mark.django_db
def test_report_without_a_ticked_part_asks_again(kiosk, on_loan):
    item, loan = on_loan
    scan(kiosk, item.qr_token)
    html = text(report(kiosk, loan, {"report_missing": "1"}))
    assert "足りない部品にチェックを入れる" in html
    assert not AuditEntry.objects.filter(action__startswith="lending.loan.parts_").exists()
    loan.refresh_from_db()
    assert not loan.parts_check_answered


@pytest.mark.django_db
def test_parts_check_of_a_loan_not_returned_on_this_kiosk_changes_nothing(
    client_for, make_user, kiosk, on_loan
):
    item, loan = on_loan
    scan(kiosk, item.qr_token)
    other_kiosk = client_for(make_user(Role.KIOSK))
    # Not even with the first kiosk's ticket: it is signed for that kiosk's session.
    response = report(other_kiosk, loan, {"missing": ["本体"]}, ticket=kiosk.kiosk_ticket)
    assert "この確認はすでに終わっています" in text(response)
    loan.refresh_from_db()
    assert loan.missing_components == []


@pytest.mark.django_db
def test_part_that_is_not_on_the_list_is_refused(kiosk, on_loan):
    item, loan = on_loan
    scan(kiosk, item.qr_token)
    report(kiosk, loan, {"missing": ["<script>"]})
    loan.refresh_from_db()
    assert loan.missing_components == []


def test_the_parts_check_is_open_after_a_kiosk_return_and_answered_by_a_field(kiosk, on_loan):
    item, loan = on_loan
    scan(kiosk, item.qr_token)
    loan.refresh_from_db()
    assert loan.returned_at is not None
    assert loan.parts_checked_at is None
    assert not loan.parts_check_answered
    report(kiosk, loan, {"all_present": "1"})
    loan.refresh_from_db()
    assert loan.parts_check_answered
    assert loan.parts_checked_at >= loan.returned_at
    assert loan.missing_components == []


def test_missing_parts_are_answered_with_the_parts_that_did_not_come_back(kiosk, on_loan):
    item, loan = on_loan
    scan(kiosk, item.qr_token)
    report(
        kiosk,
        loan,
        {"missing": ["リモコン", "電源ケーブル"], "report_missing": "1"},
    )
    loan.refresh_from_db()
    assert loan.parts_check_answered
    assert loan.missing_components == ["リモコン", "電源ケーブル"]


def test_the_kiosk_reads_the_field_and_never_the_audit_trail(kiosk, kiosk_user, on_loan):
    from core.audit import audit_record

    item, loan = on_loan
    scan(kiosk, item.qr_token)
    # A stray log entry saying "answered" does not close the check: the field decides.
    audit_record(actor=kiosk_user, action="lending.loan.parts_complete", target=loan)
    response = report(kiosk, loan, {"missing": ["本体"]})
    assert "足りない部品を職員に知らせました" in text(response)
    loan.refresh_from_db()
    assert loan.missing_components == ["本体"]


def test_an_answered_parts_check_is_not_asked_again_even_from_the_same_session(kiosk, on_loan):
    item, loan = on_loan
    scan(kiosk, item.qr_token)
    # Answered meanwhile (the field is set) while the kiosk session still remembers the return.
    Loan.objects.filter(pk=loan.pk).update(
        parts_checked_at=timezone.now(), missing_components=["リモコン"]
    )
    response = report(kiosk, loan, {"all_present": "1"})
    assert "この確認はすでに終わっています" in text(response)
    loan.refresh_from_db()
    assert loan.missing_components == ["リモコン"]
    assert not AuditEntry.objects.filter(action="lending.loan.parts_complete").exists()


def test_same_answer_twice_changes_nothing_and_a_new_answer_replaces_the_old(kiosk_user, on_loan):
    from lending.services import loan_components_report, loan_return

    item, loan = on_loan
    loan_return(item=item, by=kiosk_user, via=Loan.Via.KIOSK)
    first = loan_components_report(loan=loan, missing_components=["リモコン"], by=kiosk_user)
    again = loan_components_report(loan=loan, missing_components=["リモコン"], by=kiosk_user)
    assert first.changed and not again.changed
    changed = loan_components_report(loan=loan, missing_components=[], by=kiosk_user)
    assert changed.changed
    loan.refresh_from_db()
    assert loan.missing_components == []
    assert loan.parts_check_answered
    assert [e.action for e in AuditEntry.objects.filter(target_id=str(loan.pk)).order_by("pk")][
        -2:
    ] == ["lending.loan.parts_missing", "lending.loan.parts_complete"]


def test_a_counter_return_answers_the_parts_check_with_the_return(lending_staff, on_loan):
    from lending.services import loan_return

    item, loan = on_loan
    loan_return(item=item, by=lending_staff, via=Loan.Via.COUNTER, missing_components=["本体"])
    loan.refresh_from_db()
    assert loan.parts_checked_at == loan.returned_at
    assert loan.missing_components == ["本体"]


def test_the_inspection_page_says_when_the_parts_check_is_still_open(
    kiosk, client_for, lending_staff, on_loan
):
    item, loan = on_loan
    scan(kiosk, item.qr_token)
    staff = client_for(lending_staff)
    page = text(staff.get(f"/lending/loans/{loan.pk}/inspect/"))
    assert re.search(r"不足の申告</dt><dd>まだ回答がありません</dd>", page)
    report(kiosk, loan, {"all_present": "1"})
    page = text(staff.get(f"/lending/loans/{loan.pk}/inspect/"))
    assert re.search(r"不足の申告</dt><dd>—</dd>", page)


# --- limits, lock-down, privacy ----------------------------------------------


@pytest.mark.django_db
def test_too_many_scans_in_a_minute_get_a_friendly_wait_and_record_nothing(
    kiosk, on_loan, settings, monkeypatch
):
    from core import ratelimit

    # The limit counts per fixed minute: stop the clock mid-minute, or a slow run whose
    # scans straddle a minute boundary starts a new count and the fourth scan passes.
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_030.0)
    settings.TSUNAGU_KIOSK_SCANS_PER_MINUTE = 3
    for _ in range(3):
        scan(kiosk, "MB-NONE-000")
    item, loan = on_loan
    response = scan(kiosk, item.qr_token)
    assert response.status_code == 429
    assert "少しお待ちください" in text(response)
    loan.refresh_from_db()
    assert loan.returned_at is None


def _all_paths(resolver=None, prefix=""):
    from tests.core.test_access import _sample_path

    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_paths(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith("^t/"):
                continue  # the item link: tested on its own below
            yield _sample_path(route, entry)


@pytest.mark.django_db
def test_kiosk_account_gets_403_or_404_on_every_page_but_its_own(kiosk):
    own = ("/kiosk/", "/t/", "/static/", "/healthz", "/i18n/", "/accounts/logout/")
    paths = sorted(set(_all_paths()))
    assert len(paths) > 20
    checked = 0
    for path in paths:
        if path.startswith(own):
            continue
        if path in ("/", "/dashboard/"):
            # The start pages send the kiosk back to its scan screen.
            assert kiosk.get(path)["Location"] == "/kiosk/"
            continue
        for method in (kiosk.get, kiosk.post):
            status = method(path).status_code
            assert status in (403, 404), (path, status)
        checked += 1
    assert checked > 20
    # And its own pages never lead elsewhere: the only GET pages are the scan screen and item links.
    assert kiosk.get("/kiosk/returns/1/components/").status_code == 405


@pytest.mark.django_db
def test_no_kiosk_screen_shows_personal_data(kiosk, client_for, lending_staff, on_loan, personal):
    item, loan = on_loan
    responses = [
        kiosk.get("/kiosk/"),
        kiosk.get(f"/t/{item.qr_token}"),
        scan(kiosk, item.qr_token),
        scan(kiosk, item.qr_token),
        report(kiosk, loan, {"missing": ["本体"]}),
        scan(kiosk, "unknown"),
    ]
    for response in responses:
        assert_no_personal_data(response, personal)


@pytest.mark.django_db
def test_no_personal_data_for_any_demo_item_on_loan(settings):
    pytest.importorskip("lending.demo", reason="the desk's demo data is not merged yet")
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    kiosk_user = User.objects.get(email="kiosk@example.jp")
    client = Client()
    client.force_login(kiosk_user)
    personal = set()
    for org in Organisation.objects.all():
        personal |= {
            org.name,
            org.representative_name,
            org.representative_phone,
            org.representative_email,
            org.pickup_contact_name,
            org.pickup_contact_phone,
            org.return_contact_name,
            org.return_contact_phone,
        }
    for user in User.objects.exclude(pk=kiosk_user.pk):
        personal |= {user.full_name, user.email}
    personal.discard("")
    out = list(Item.objects.filter(status=Item.Status.ON_LOAN))
    assert len(out) >= 3
    for item in out:
        loan = Loan.objects.get(item=item, handed_out_at__isnull=False, returned_at__isnull=True)
        responses = [
            client.get(f"/t/{item.qr_token}"),
            client.post("/kiosk/", {"code": f"{settings.SITE_URL}/t/{item.qr_token}"}),
            client.post("/kiosk/", {"code": item.tag_number}),
            report(client, loan, {"all_present": "1"}),
        ]
        assert RETURNED in text(responses[1])
        for response in responses:
            html = text(response)
            for secret in personal:
                assert secret not in html, (item.tag_number, secret)


# --- cost and concurrency ----------------------------------------------------


def _scan_queries(client, code: str, assert_max_num_queries) -> int:
    with assert_max_num_queries(11) as queries:
        response = scan(client, code)
    assert RETURNED in text(response)
    return len(queries)


@pytest.mark.django_db
def test_scan_takes_at_most_11_queries_and_does_not_grow_with_past_loans(
    kiosk, make_item, make_org, make_type, django_assert_max_num_queries
):
    """Issue 18: session, user and roles (3), then one transaction: the joined lookup that
    locks the reservation, and the return's writes (return the loan, mark the item, free
    its later days, settle the reservation, the audit entry): five statements on SQLite,
    one on PostgreSQL; 11 and 7 with the savepoint pair of the tests. No rate-limit
    write, no re-read, no session write."""
    kind = make_type()
    org = make_org()
    quiet = make_item(equipment_type=kind)
    busy = make_item(equipment_type=kind)
    warm = make_item(equipment_type=kind)
    today = timezone.localdate()
    # 50 earlier loans of the busy item, all returned.
    for n in range(50):
        start = today - timedelta(days=400 - n * 7)
        old = put_on_loan(busy, org, pickup=start, due=start + timedelta(days=2))
        Loan.objects.filter(pk=old.pk).update(returned_at=timezone.now(), returned_via="counter")
    Item.objects.filter(pk=busy.pk).update(status=Item.Status.AVAILABLE)
    for item in (quiet, busy, warm):
        put_on_loan(item, org)
    kiosk.get("/kiosk/")  # the session exists before counting
    # The first request of a process fills Django's content-type cache; a server is warm.
    assert RETURNED in text(scan(kiosk, warm.qr_token))
    first = _scan_queries(kiosk, quiet.qr_token, django_assert_max_num_queries)
    second = _scan_queries(kiosk, busy.qr_token, django_assert_max_num_queries)
    assert first == second == (7 if connection.vendor == "postgresql" else 11)
    session = SessionStore(session_key=kiosk.cookies[settings.SESSION_COOKIE_NAME].value)
    assert "kiosk_returns" not in session.load()


def _second_unit(loan: Loan, make_item) -> tuple[Item, Loan]:
    """Another unit out on the same reservation as ``loan``, holding the same days."""
    item = make_item()
    other = Loan.objects.create(
        reservation=loan.reservation,
        item=item,
        due_date=loan.due_date,
        handed_out_at=timezone.now(),
    )
    for day in loan.days.values_list("day", flat=True):
        ItemDay.objects.create(item=item, day=day, loan=other)
    Item.objects.filter(pk=item.pk).update(status=Item.Status.ON_LOAN)
    return item, other


@pytest.mark.django_db
def test_the_reservation_is_returned_with_its_last_unit_and_later_days_are_freed(
    kiosk, make_item, on_loan
):
    item, loan = on_loan
    second, second_loan = _second_unit(loan, make_item)
    # A unit the group never took (released at hand-out) does not hold the reservation open.
    released = make_item()
    Loan.objects.create(
        reservation=loan.reservation,
        item=released,
        due_date=loan.due_date,
        released_at=timezone.now(),
    )
    today = timezone.localdate()
    assert RETURNED in text(scan(kiosk, item.qr_token))
    reservation = Reservation.objects.get(pk=loan.reservation_id)
    assert reservation.state == Reservation.State.HANDED_OUT
    assert reservation.returned_at is None
    assert not loan.days.filter(day__gt=today).exists()
    assert loan.days.filter(day__lte=today).count() == 3  # lived days stay as history
    assert second_loan.days.filter(day__gt=today).count() == 3  # the other unit is still out
    assert RETURNED in text(scan(kiosk, second.tag_number))
    reservation.refresh_from_db()
    assert reservation.state == Reservation.State.RETURNED
    second_loan.refresh_from_db()
    assert reservation.returned_at == second_loan.returned_at
    assert not second_loan.days.filter(day__gt=today).exists()
    assert set(
        Item.objects.filter(pk__in=[item.pk, second.pk]).values_list("status", flat=True)
    ) == {Item.Status.AWAITING_INSPECTION}


@pytest.mark.django_db
@pytest.mark.parametrize("late", [False, True])
def test_the_kiosk_audit_entry_is_the_one_every_return_writes(
    kiosk, kiosk_user, make_item, org, late
):
    """The scan writes its entry with plain SQL (core.audit.audit_insert): the same row
    audit_record writes, who, what, about which loan, in the person's words."""
    today = timezone.localdate()
    item = make_item()
    due = today - timedelta(days=1) if late else today
    loan = put_on_loan(item, org, pickup=today - timedelta(days=3), due=due)
    assert RETURNED in text(scan(kiosk, item.qr_token))
    entry = AuditEntry.objects.get(action="lending.loan.returned")
    loan = Loan.objects.select_related("item", "reservation__organisation").get(pk=loan.pk)
    assert entry.actor == kiosk_user
    assert entry.actor_label == "キオスク"
    assert entry.target_type == ContentType.objects.get_for_model(Loan)
    assert entry.target_id == str(loan.pk)
    assert entry.target_repr == str(loan)
    assert entry.changes == {"returned_via": [None, "kiosk"], "missing_components": [None, ""]}
    assert entry.note == (translation.gettext("late") if late else "")
    assert abs(entry.at - loan.returned_at) < timedelta(seconds=5)
    assert [e.pk for e in audit_history(loan)] == [entry.pk]


@pytest.mark.django_db(transaction=True)
def test_two_units_of_one_reservation_returned_at_once_return_the_reservation(
    kiosk_user, make_item, make_org, race
):
    """Each scan locks the reservation before it writes, so the later of two scans at once
    sees the earlier return and settles the reservation (on PostgreSQL: SELECT … FOR UPDATE;
    SQLite's BEGIN IMMEDIATE queues the writers)."""
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("needs a database file for parallel connections")
    first = make_item()
    loan = put_on_loan(first, make_org())
    second, _other = _second_unit(loan, make_item)
    kiosks = [Client(), Client()]
    for client in kiosks:
        client.force_login(kiosk_user)
    codes = [first.qr_token, second.qr_token]
    pages = race(2, lambda i: text(kiosks[i].post("/kiosk/", {"code": codes[i]})))
    assert not pages.errors, pages.errors
    assert all(RETURNED in page for page in pages)
    assert Reservation.objects.get(pk=loan.reservation_id).state == Reservation.State.RETURNED
    assert AuditEntry.objects.filter(action="lending.loan.returned").count() == 2


@pytest.mark.django_db
def test_kiosk_js_gets_only_the_panel_and_a_browser_without_it_the_whole_page(kiosk, on_loan):
    item, _loan = on_loan
    fragment = kiosk.post("/kiosk/", {"code": item.qr_token}, headers={"X-Requested-With": "fetch"})
    html = text(fragment)
    assert RETURNED in html
    assert html.lstrip().startswith("<title>")
    assert 'class="kiosk"' in html and "<html" not in html and "site-header" not in html
    assert "X-Requested-With" in fragment["Vary"]
    page = text(scan(kiosk, item.qr_token))
    assert "<html" in page and ALREADY in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scans", [2, 6])
def test_simultaneous_scans_of_one_item_record_one_return_and_tell_the_others_already_returned(
    kiosk_user, make_item, make_org, race, scans
):
    """Issue 17: each scan's own screen is asserted, not only the rows: one 「返却を受け付けました」,
    every other 「すでに返却済みです」, never 「この備品は貸出中ではありません」."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real parallel transactions")
    item = make_item()
    loan = put_on_loan(item, make_org())
    kiosks = [Client() for _ in range(scans)]
    for client in kiosks:
        client.force_login(kiosk_user)
    pages = race(
        scans,
        lambda i: text(
            kiosks[i].post(
                "/kiosk/", {"code": item.qr_token}, headers={"X-Requested-With": "fetch"}
            )
        ),
    )
    assert not pages.errors, pages.errors
    shown = [
        "returned" if RETURNED in page else "already" if ALREADY in page else page[:300]
        for page in pages
    ]
    assert sorted(shown) == ["already"] * (scans - 1) + ["returned"], shown
    assert not any(NOT_ON_LOAN in page for page in pages)
    assert (
        AuditEntry.objects.filter(action="lending.loan.returned", target_id=str(loan.pk)).count()
        == 1
    )
    loan.refresh_from_db()
    assert loan.returned_at is not None


@pytest.mark.django_db
def test_a_scan_that_read_the_loan_before_another_return_committed_says_already_returned(
    kiosk_user, on_loan
):
    """The losing scan's lookup saw the loan still out; the outcome comes from the
    conditional update and the state after it, not from that stale read."""
    item, loan = on_loan
    stale = open_loan_for_item(item)
    assert stale.pk == loan.pk
    assert loan_return(item=item, by=kiosk_user, via=Loan.Via.KIOSK).outcome == "returned"
    late = loan_return(item=item, by=kiosk_user, via=Loan.Via.KIOSK, open_loan=stale)
    assert late.outcome == "already_returned"
    assert late.loan.pk == loan.pk
    assert AuditEntry.objects.filter(action="lending.loan.returned").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("clock", "late"),
    [("2026-06-10T23:59:00+09:00", False), ("2026-06-11T00:00:00+09:00", True)],
)
def test_return_on_the_due_day_is_on_time_until_midnight_jst(
    kiosk, make_item, org, monkeypatch, clock, late
):
    from datetime import date, datetime

    item = make_item()
    loan = put_on_loan(item, org, pickup=date(2026, 6, 8), due=date(2026, 6, 10))
    monkeypatch.setattr(timezone, "now", lambda: datetime.fromisoformat(clock))
    html = text(scan(kiosk, item.qr_token))
    assert RETURNED in html
    assert ("返却期限を過ぎていました" in html) is late
    loan.refresh_from_db()
    assert loan.was_late is late
