"""Letters to groups go through core.messaging: recorded in the outbox with the change."""

from datetime import date

import pytest

from core.models import Message
from lending.models import Membership
from lending.services import reservation_approve, reservation_recipients

pytestmark = pytest.mark.django_db

MON, WED = date(2026, 6, 15), date(2026, 6, 17)


@pytest.fixture
def projector(make_type, make_item):
    projector = make_type()
    make_item(projector)
    make_item(projector)
    return projector


def test_approval_mails_the_representative_and_members_once_per_address(
    frozen,
    make_org,
    make_rep,
    book,
    projector,
    lending_staff,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    organisation = make_org(representative_email="kaicho@example.jp")
    member = make_rep(organisation)
    # The representative also has an account with the same address: one mail, not two.
    twin = make_rep(organisation, email="kaicho@example.jp")
    make_rep(make_org())  # another group's member hears nothing
    reservation = book(organisation, {projector: 1}, MON, WED)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_approve(reservation=reservation, by=lending_staff)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(["kaicho@example.jp", member.email])
    assert all("承認しました" in m.subject for m in mailoutbox)
    rows = Message.objects.filter(event="lending.reservation.approved")
    assert rows.count() == 2
    assert {row.about_id for row in rows} == {str(reservation.pk)}
    assert {row.section for row in rows} == {"lending"}
    assert twin.email == "kaicho@example.jp"


def test_a_group_without_any_address_goes_on_the_desks_call_list(
    frozen, make_org, book, projector, lending_staff, mailoutbox
):
    organisation = make_org(representative_phone="0475-11-2222")
    reservation = book(organisation, {projector: 1}, MON, WED)
    [recipient] = reservation_recipients(reservation)
    assert (recipient.name, recipient.phone) == (organisation.representative_name, "0475-11-2222")
    reservation_approve(reservation=reservation, by=lending_staff)
    [row] = Message.objects.filter(event="lending.reservation.approved")
    assert row.channel == "call"
    assert row.phone == "0475-11-2222"
    assert mailoutbox == []


def test_members_whose_link_is_not_verified_hear_nothing(make_org, make_user, book, projector):
    organisation = make_org(representative_email="kaicho@example.jp")
    pending = make_user()
    Membership.objects.create(organisation=organisation, user=pending)
    reservation = book(organisation, {projector: 1}, MON, WED)
    assert [r.email for r in reservation_recipients(reservation)] == ["kaicho@example.jp"]


# --- every event reaches the group once, in the transaction of the change ---------------------

from datetime import timedelta  # noqa: E402

from django.db import transaction  # noqa: E402
from django.urls import reverse  # noqa: E402

from core.refusals import Refusal  # noqa: E402
from lending.models import Item, Reservation  # noqa: E402
from lending.services import (  # noqa: E402
    loan_hand_out,
    reservation_expire_provisional,
    reservation_reject,
    reservation_release_unhanded,
    reservations_send_overdue_notices,
    reservations_send_pickup_reminders,
)
from tests.lending.conftest import at  # noqa: E402


@pytest.fixture
def phone_only_group(make_org):
    return make_org(name="豊田南自治会", representative_phone="0475-24-0002")


@pytest.fixture
def mailed_group(make_org, make_rep):
    group = make_org(name="本納中央自治会", representative_email="kaicho@example.jp")
    make_rep(group, email="fukukaicho@example.jp")
    return group


def _messages(event):
    return Message.objects.filter(event=event)


def _hand_out(reservation, item, staff, day=MON):
    return loan_hand_out(reservation=reservation, code=item.tag_number, by=staff, now=at(day))


def test_each_decision_reaches_every_address_of_the_group_once(
    mailed_group, book, projector, lending_staff
):
    approved = book(mailed_group, {projector: 1}, MON, WED)
    reservation_approve(reservation=approved, by=lending_staff)
    rejected = book(mailed_group, {projector: 1}, MON + timedelta(days=7), WED + timedelta(days=7))
    reservation_reject(reservation=rejected, by=lending_staff, reason="同じ日に市の行事があります")
    for event in ("lending.reservation.approved", "lending.reservation.rejected"):
        rows = _messages(event)
        assert sorted(rows.values_list("email", flat=True)) == [
            "fukukaicho@example.jp",
            "kaicho@example.jp",
        ]
        assert {r.recipient_kind for r in rows} == {"group_member"}
    assert "同じ日に市の行事があります" in _messages("lending.reservation.rejected").first().body


def test_a_phone_only_group_is_on_the_desks_call_list_for_each_event(
    frozen, phone_only_group, book, projector, lending_staff, make_item, client_for
):
    reservation = book(phone_only_group, {projector: 2}, MON, WED)
    reservation_approve(reservation=reservation, by=lending_staff)
    frozen(at(MON))
    first = reservation.loans.order_by("item__tag_number").first()
    other = make_item(projector)
    _hand_out(reservation, other, lending_staff)  # a swap: another unit of the type
    reservation_release_unhanded(reservation=reservation, by=lending_staff, now=at(MON, 11))
    rows = Message.objects.filter(about_id__in=[str(reservation.pk), str(first.pk)])
    assert set(rows.values_list("event", flat=True)) == {
        "lending.reservation.approved",
        "lending.loan.swapped",
        "lending.reservation.units_released",
    }
    assert {(r.channel, r.section, r.phone) for r in rows} == {("call", "lending", "0475-24-0002")}
    swapped = rows.get(event="lending.loan.swapped")
    assert other.tag_number in swapped.body and first.item.tag_number in swapped.body
    released = rows.get(event="lending.reservation.units_released")
    assert "受け取られなかった" in released.subject
    left_behind = reservation.loans.get(released_at__isnull=False).item
    assert left_behind.tag_number in released.body
    desk = client_for(lending_staff).get(reverse("lending:desk")).content.decode()
    assert "連絡リスト：今日連絡する方" in desk


def test_a_refused_swap_leaves_no_message(
    mailed_group, make_org, book, projector, lending_staff, make_item
):
    reservation = book(mailed_group, {projector: 1}, MON, WED)
    reservation_approve(reservation=reservation, by=lending_staff)
    broken = make_item(projector)
    Item.objects.filter(pk=broken.pk).update(status=Item.Status.IN_REPAIR)
    with pytest.raises(Refusal):
        _hand_out(reservation, broken, lending_staff)
    assert not _messages("lending.loan.swapped").exists()


def test_a_rolled_back_approval_leaves_no_message(mailed_group, book, projector, lending_staff):
    reservation = book(mailed_group, {projector: 1}, MON, WED)
    with pytest.raises(RuntimeError), transaction.atomic():
        reservation_approve(reservation=reservation, by=lending_staff)
        raise RuntimeError
    assert not Message.objects.exists()
    reservation.refresh_from_db()
    assert reservation.state == Reservation.State.REQUESTED


def test_the_daily_job_reminds_warns_and_expires_once(
    frozen, phone_only_group, mailed_group, book, projector, lending_staff, make_item
):
    make_item(projector)
    pickup = book(mailed_group, {projector: 1}, MON, WED)
    reservation_approve(reservation=pickup, by=lending_staff)
    held = book(
        phone_only_group,
        {projector: 1},
        MON + timedelta(days=7),
        WED + timedelta(days=7),
        provisional=True,
    )
    friday = date(2026, 6, 12)
    frozen(at(friday, 7))
    for _run in range(2):
        reservations_send_pickup_reminders()
        reservation_expire_provisional(now=held.provisional_expires_at + timedelta(minutes=1))
    assert _messages("lending.reservation.pickup_reminded").count() == 2  # both addresses
    assert _messages("lending.reservation.expired").get().channel == "call"
    # Handed out on Monday, not back by Thursday: one notice, however often the job runs.
    frozen(at(MON))
    _hand_out(pickup, pickup.loans.get().item, lending_staff)
    for _run in range(2):
        reservations_send_overdue_notices(today=WED + timedelta(days=1))
    assert _messages("lending.reservation.overdue_notified").count() == 2


@pytest.mark.parametrize("name", ["units_swapped", "units_released"])
def test_the_desk_can_reword_the_letters_about_changed_units(name, lending_staff, client_for):
    client = client_for(lending_staff)
    template = f"lending/mail/{name}"
    assert template in client.get(reverse("core:message_templates")).content.decode()
    url = reverse("core:message_template_edit", args=["ja", template])
    assert client.get(url).status_code == 200
