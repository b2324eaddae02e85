"""/t/<token>: the page a label's QR code opens depends on who looks."""

import pytest

from core.roles import Role
from lending.models import Item, Membership

from .loans import put_on_loan

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaned(make_item, make_org):
    """An item on loan to a group with recognisable personal data."""
    org = make_org(
        name="東郷北自治会",
        representative_name="茂原 花子",
        representative_phone="0475-99-1234",
    )
    item = make_item(name="EPSON EB-W06")
    loan = put_on_loan(item, org, event_name="東郷北夏祭り")
    return item, org, loan


def test_public_page_shows_item_and_how_to_borrow_without_personal_data(client, loaned, settings):
    item, org, loan = loaned
    for path in (f"/t/{item.qr_token}", f"/t/{item.qr_token}/"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200
        assert "EPSON EB-W06" in html
        assert item.equipment_type.name in html
        assert settings.TSUNAGU["sections"]["lending"] in html
        assert 'href="/lending/availability/"' in html
        for secret in (org.name, org.representative_name, org.representative_phone, "東郷北夏祭り"):
            assert secret not in html


def test_signed_in_residents_without_a_lending_role_get_the_public_page(
    client_for, loaned, volunteer_user, dx_staff
):
    item, org, _loan = loaned
    for user in (volunteer_user, dx_staff):
        html = client_for(user).get(f"/t/{item.qr_token}").content.decode()
        assert "EPSON EB-W06" in html
        assert org.name not in html


def test_lending_staff_see_the_item_with_status_loans_history_and_actions(
    client_for, lending_staff, loaned
):
    item, org, loan = loaned
    html = client_for(lending_staff).get(f"/t/{item.qr_token}").content.decode()
    assert item.tag_number in html
    assert str(item.get_status_display()) in html
    assert org.name in html  # staff may see who has it
    assert f"/lending/labels/{item.pk}/" in html
    assert f"/lending/items/{item.pk}/new-qr-code/" in html


def test_staff_see_retired_items_but_others_get_not_found(
    client, client_for, lending_staff, make_item
):
    item = make_item()
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.RETIRED, retired_at="2026-01-01T00:00Z"
    )
    assert client_for(lending_staff).get(f"/t/{item.qr_token}").status_code == 200
    assert client.get(f"/t/{item.qr_token}").status_code == 404


def test_representative_sees_their_own_booking_of_the_item(client_for, loaned, make_rep):
    item, org, loan = loaned
    rep = make_rep(org)
    html = client_for(rep).get(f"/t/{item.qr_token}").content.decode()
    assert "EPSON EB-W06" in html
    assert "東郷北夏祭り" in html
    assert org.name in html


def test_representative_of_another_group_sees_no_booking(client_for, loaned, make_org, make_rep):
    item, org, _loan = loaned
    stranger = make_rep(make_org(name="別の自治会"))
    html = client_for(stranger).get(f"/t/{item.qr_token}").content.decode()
    assert "EPSON EB-W06" in html
    for secret in (org.name, org.representative_name, "東郷北夏祭り"):
        assert secret not in html


def test_unverified_member_sees_no_booking(client_for, loaned, make_user):
    item, org, _loan = loaned
    user = make_user(Role.ORG_REPRESENTATIVE)
    Membership.objects.create(organisation=org, user=user, status=Membership.Status.PENDING)
    html = client_for(user).get(f"/t/{item.qr_token}").content.decode()
    assert "東郷北夏祭り" not in html


def test_kiosk_gets_the_return_flow_without_personal_data(client_for, kiosk_user, loaned):
    item, org, _loan = loaned
    response = client_for(kiosk_user).get(f"/t/{item.qr_token}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'action="/kiosk/"' in html
    assert f'name="code" value="{item.qr_token}"' in html
    assert "EPSON EB-W06" in html
    for secret in (org.name, org.representative_name, org.representative_phone, "東郷北夏祭り"):
        assert secret not in html
    item.refresh_from_db()
    assert item.status == Item.Status.ON_LOAN  # opening the link records nothing


@pytest.mark.parametrize("token", ["unknown-token-123", "x"])
def test_unknown_token_is_a_japanese_not_found_page(client, token):
    response = client.get(f"/t/{token}")
    assert response.status_code == 404
    assert "このQRコードは使われていません" in response.content.decode()


def test_public_page_offers_sign_in_that_comes_back_to_the_item(client, loaned):
    item, _org, _loan = loaned
    html = client.get(f"/t/{item.qr_token}").content.decode()
    assert f"/accounts/login/?next=/t/{item.qr_token}" in html


def test_staff_actions_follow_the_item_state_and_open_desk_pages(
    client_for, lending_staff, kiosk_user, loaned
):
    item, _org, loan = loaned
    staff = client_for(lending_staff)
    html = staff.get(f"/t/{item.qr_token}").content.decode()
    assert f'href="/lending/returns/{item.pk}/"' in html
    assert f'href="/lending/items/{item.pk}/"' in html
    assert "/inspect/" not in html
    for url in (f"/lending/returns/{item.pk}/", f"/lending/items/{item.pk}/"):
        assert staff.get(url).status_code == 200

    client_for(kiosk_user).post("/kiosk/", {"code": item.qr_token})
    html = staff.get(f"/t/{item.qr_token}").content.decode()
    assert f'href="/lending/loans/{loan.pk}/inspect/"' in html
    assert f'href="/lending/returns/{item.pk}/"' not in html
    assert staff.get(f"/lending/loans/{loan.pk}/inspect/").status_code == 200


def test_staff_see_the_hand_out_action_for_an_approved_booking(
    client_for, lending_staff, make_item, make_org
):
    from datetime import timedelta

    from django.utils import timezone

    from lending.models import Loan, Reservation

    item = make_item()
    today = timezone.localdate()
    reservation = Reservation.objects.create(
        organisation=make_org(),
        state=Reservation.State.APPROVED,
        pickup_date=today,
        return_date=today + timedelta(days=2),
        event_name="防災訓練",
        purpose="訓練",
        declaration=True,
    )
    Loan.objects.create(reservation=reservation, item=item, due_date=reservation.return_date)
    html = client_for(lending_staff).get(f"/t/{item.qr_token}").content.decode()
    assert f'href="/lending/reservations/{reservation.pk}/hand-out/"' in html


def test_representative_links_to_their_booking_page(client_for, loaned, make_rep):
    item, org, loan = loaned
    rep = make_rep(org)
    client = client_for(rep)
    html = client.get(f"/t/{item.qr_token}").content.decode()
    url = f"/lending/my/{loan.reservation_id}/"
    assert f'href="{url}"' in html
    assert client.get(url).status_code == 200
