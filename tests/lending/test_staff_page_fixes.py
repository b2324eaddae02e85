"""Desk pages as a member of staff at a busy counter meets them (issue 14)."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from lending.models import Loan
from lending.services import (
    loan_components_report,
    loan_hand_out,
    loan_return,
    reservation_approve,
)

from .conftest import at

pytestmark = pytest.mark.django_db

MON, WED = date(2026, 6, 15), date(2026, 6, 17)  # TODAY (frozen) is Wednesday 10 June


@pytest.fixture
def approved(frozen, make_org, make_type, make_item, book, lending_staff):
    projector = make_type(name="プロジェクター")
    make_item(projector, tag_number="MB-PJ-001", components=["本体", "電源ケーブル", "リモコン"])
    reservation = book(make_org("本納地区自治会"), {projector: 1}, MON, WED)
    reservation_approve(reservation=reservation, by=lending_staff)
    return reservation


def _hand_out_links(html: str, reservation) -> int:
    return html.count(reverse("lending:reservation_hand_out", args=[reservation.pk]))


def test_hand_out_is_not_offered_before_the_pickup_date_but_is_on_it(
    client_for, lending_staff, approved, frozen
):
    client = client_for(lending_staff)
    detail = reverse("lending:reservation_detail", args=[approved.pk])
    early = client.get(detail).content.decode()
    assert _hand_out_links(early, approved) == 0
    assert "令和8年6月15日（月）" in early  # says when it opens instead
    scan_page = client.get(reverse("lending:reservation_hand_out", args=[approved.pk]))
    assert 'name="code"' not in scan_page.content.decode()
    item = approved.loans.get().item
    item_page = client.get(reverse("lending:item_link", args=[item.qr_token])).content.decode()
    assert _hand_out_links(item_page, approved) == 0

    frozen(at(MON, 9))
    client = client_for(lending_staff)  # a new working day, a new sign-in
    on_the_day = client.get(detail).content.decode()
    assert _hand_out_links(on_the_day, approved) == 1
    item_page = client.get(reverse("lending:item_link", args=[item.qr_token])).content.decode()
    assert _hand_out_links(item_page, approved) == 1
    assert 'name="code"' in client.get(scan_page.request["PATH_INFO"]).content.decode()


def test_hand_out_offer_matches_what_the_service_accepts(approved, lending_staff, frozen):
    from core.refusals import Refusal

    item = approved.loans.get().item
    for day, accepted in ((date(2026, 6, 12), False), (MON, True)):
        frozen(at(day, 9))
        approved.refresh_from_db()
        assert approved.can_hand_out_today is accepted
        if not accepted:
            with pytest.raises(Refusal):
                loan_hand_out(reservation=approved, code=item.tag_number, by=lending_staff)
        else:
            loan_hand_out(reservation=approved, code=item.tag_number, by=lending_staff)


def test_item_page_has_one_row_per_fact_and_no_two_rows_named_alike(
    client_for, lending_staff, approved
):
    item = approved.loans.get().item
    html = client_for(lending_staff).get(reverse("lending:item_detail", args=[item.pk]))
    terms = re.findall(r"<dt>([^<]+)</dt>", html.content.decode())
    assert len(terms) == len(set(terms)), terms
    assert "利用状況" in terms and "傷み具合" in terms


def _returned_at_kiosk_with_a_missing_part(approved, lending_staff, kiosk_user, frozen):
    item = approved.loans.get().item
    frozen(at(MON, 9))
    loan_hand_out(reservation=approved, code=item.tag_number, by=lending_staff)
    frozen(at(WED, 15))
    result = loan_return(item=item, by=kiosk_user, via=Loan.Via.KIOSK)
    loan_components_report(loan=result.loan, missing_components=["リモコン"], by=kiosk_user)
    return item, result.loan


def test_counter_scan_of_a_kiosk_return_names_the_missing_part_and_opens_the_inspection(
    client_for, lending_staff, kiosk_user, approved, frozen
):
    item, loan = _returned_at_kiosk_with_a_missing_part(approved, lending_staff, kiosk_user, frozen)
    client = client_for(lending_staff)
    response = client.post(reverse("lending:counter_return"), {"code": item.tag_number})
    assert response.status_code == 302
    assert response["Location"] == reverse("lending:loan_inspect", args=[loan.pk])
    page = client.get(response["Location"]).content.decode()
    assert "リモコン" in page.split("<h1", 1)[0] + page  # in the message and the facts
    assert "返却済み" in page and "不足の報告: リモコン" in page


def test_inspection_form_preselects_parts_missing_with_the_part_named(
    client_for, lending_staff, kiosk_user, approved, frozen
):
    _item, loan = _returned_at_kiosk_with_a_missing_part(
        approved, lending_staff, kiosk_user, frozen
    )
    form = (
        client_for(lending_staff)
        .get(reverse("lending:loan_inspect", args=[loan.pk]))
        .context["form"]
    )
    assert form["result"].value() == Loan.Inspection.MISSING
    assert "リモコン" in form["note"].value()


def test_inspection_of_a_complete_return_preselects_nothing(
    client_for, lending_staff, approved, frozen
):
    item = approved.loans.get().item
    frozen(at(MON, 9))
    loan_hand_out(reservation=approved, code=item.tag_number, by=lending_staff)
    result = loan_return(item=item, by=lending_staff, via=Loan.Via.COUNTER)
    form = (
        client_for(lending_staff)
        .get(reverse("lending:loan_inspect", args=[result.loan.pk]))
        .context["form"]
    )
    assert form["result"].value() is None


# --- the QR label sheet -----------------------------------------------------------------


def test_label_sheet_has_a_print_button(client_for, lending_staff, make_item):
    make_item()
    html = client_for(lending_staff).get("/lending/labels/").content.decode()
    assert re.search(r"<button[^>]*data-lending-print[^>]*>", html)
    assert "lending/lending.js" in html  # the script that wires the button (no inline JS)


def test_label_sheet_type_filter_narrows_the_list_to_choose_from(
    client_for, lending_staff, make_item, make_type
):
    tents, projectors = make_type("テント"), make_type("プロジェクター")
    tent, projector = make_item(equipment_type=tents), make_item(equipment_type=projectors)
    html = client_for(lending_staff).get("/lending/labels/", {"type": tents.pk}).content.decode()
    picker = html.split('class="label-picker"', 1)[1].split("</fieldset>", 1)[0]
    assert f'value="{tent.pk}"' in picker
    assert f'value="{projector.pk}"' not in picker
    assert ">プロジェクター</option>" in html  # the other type can still be chosen


def test_label_text_breaks_between_words_only():
    css = (settings.BASE_DIR / "static" / "lending" / "labels.css").read_text()
    rule = re.search(r"\.label__text\s*\{([^}]*)\}", css).group(1)
    assert "word-break: keep-all" in rule and "line-break: strict" in rule
    assert "anywhere" not in rule  # overflow-wrap: anywhere split 「ルータ / ー」


def test_reservation_page_writes_dates_in_the_language_of_the_page(
    client_for, lending_staff, approved
):
    client = client_for(lending_staff)
    url = reverse("lending:reservation_detail", args=[approved.pk])
    japanese = client.get(url).content.decode()
    assert "令和8年6月15日（月）" in japanese and "令和8年6月17日（水）" in japanese
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()
    assert "Monday 15 June 2026" in english and "Wednesday 17 June 2026" in english
    assert "令和" not in english and "（Mon）" not in english
    # The history table's short form.
    assert re.search(
        r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d", english
    )
