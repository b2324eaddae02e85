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
