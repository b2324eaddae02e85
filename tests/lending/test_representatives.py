"""A group's people: invite a representative by e-mail, the membership after verification,
removing a member, the group's history."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, User
from core.refusals import Refusal
from core.roles import Role, user_roles
from lending.models import Membership, RepresentativeInvitation
from lending.services import (
    representative_invitation_accept_for,
    representative_invitation_cancel,
    representative_invite,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


def _sign_up_and_verify(email: str) -> tuple[Client, User]:
    visitor = Client()
    visitor.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    confirm = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    assert visitor.post(confirm).status_code == 302
    return visitor, User.objects.get(email=email)


def test_an_invited_representative_who_verifies_the_address_joins_the_right_group(
    make_org,
    make_type,
    make_item,
    book,
    lending_staff,
    client_for,
    django_capture_on_commit_callbacks,
):
    honno, toyota = make_org("本納地区自治会"), make_org("豊田地区自治会")
    projector = make_type()
    make_item(projector)
    make_item(projector)
    ours = book(honno, {projector: 1}, date(2026, 6, 15), date(2026, 6, 16))
    theirs = book(toyota, {projector: 1}, date(2026, 6, 15), date(2026, 6, 16))

    staff = client_for(lending_staff)
    form = staff.get(reverse("lending:representative_invite", args=[honno.pk]))
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = staff.post(
            reverse("lending:representative_invite", args=[honno.pk]),
            {"full_name": "本納 太郎", "email": "Taro@Example.jp", "position": "会長"},
        )
    assert sent["Location"] == reverse("lending:organisation_detail", args=[honno.pk])
    invitation = RepresentativeInvitation.objects.get()
    assert invitation.email == "taro@example.jp"
    [invite_mail] = mail.outbox
    assert invite_mail.to == ["taro@example.jp"]
    assert "本納地区自治会" in invite_mail.body
    link = re.search(r"https?://[^/\s]+(/lending/invitation/[\w-]+/)", invite_mail.body).group(1)

    landing = Client().get(link)
    assert landing.status_code == 200
    assert "本納地区自治会" in landing.content.decode()
    assert landing.context["signup_url"] == "/accounts/signup/?email=taro%40example.jp"

    visitor, user = _sign_up_and_verify("taro@example.jp")
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.status, membership.position) == (
        honno,
        Membership.Status.VERIFIED,
        "会長",
    )
    assert membership.verified_by == lending_staff
    assert Role.ORG_REPRESENTATIVE in user_roles(User.objects.get(pk=user.pk))
    user.refresh_from_db()
    assert user.full_name == "本納 太郎"
    invitation.refresh_from_db()
    assert invitation.status == RepresentativeInvitation.Status.ACCEPTED

    # They see their group's reservations, and only those.
    fresh = Client()
    fresh.post("/accounts/login/", {"login": "taro@example.jp", "password": PASSWORD})
    mine = fresh.get(reverse("lending:my_reservations"))
    assert [r.pk for r in mine.context["table"].data] == [ours.pk]
    assert fresh.get(reverse("lending:my_reservation_detail", args=[ours.pk])).status_code == 200
    assert fresh.get(reverse("lending:my_reservation_detail", args=[theirs.pk])).status_code == 404

    # The group's history shows the invitation and the new member, by name.
    page = staff.get(reverse("lending:organisation_detail", args=[honno.pk]))
    actions = {entry.action for entry in page.context["history"]}
    assert {
        "lending.invitation.sent",
        "lending.invitation.accepted",
        "lending.membership.verified",
    } <= actions
    assert "本納 太郎" in page.content.decode()


def test_signing_up_with_another_address_joins_nothing(
    make_org, lending_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        representative_invite(
            organisation=make_org(), email="taro@example.jp", full_name="太郎", by=lending_staff
        )
    _visitor, user = _sign_up_and_verify("someone.else@example.jp")
    assert not Membership.objects.filter(user=user).exists()
    assert RepresentativeInvitation.objects.get().status == RepresentativeInvitation.Status.OPEN


def test_withdrawn_expired_or_orphaned_invitations_give_nothing(make_org, make_user, lending_staff):
    org = make_org()
    withdrawn = representative_invite(
        organisation=org, email="a@example.jp", full_name="A", by=lending_staff
    )
    representative_invitation_cancel(invitation=withdrawn, by=lending_staff)
    expired = representative_invite(
        organisation=org, email="b@example.jp", full_name="B", by=lending_staff
    )
    RepresentativeInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    sender = make_user(Role.LENDING_STAFF)
    representative_invite(organisation=org, email="c@example.jp", full_name="C", by=sender)
    sender.groups.clear()
    for email in ("a@example.jp", "b@example.jp", "c@example.jp"):
        user = User.objects.create_user(email=email, password=PASSWORD)
        assert representative_invitation_accept_for(user=user, email=email) == []
    assert not Membership.objects.exists()


def test_inviting_an_existing_account_is_refused_on_the_address(make_org, make_user, lending_staff):
    make_user(email="known@example.jp")
    with pytest.raises(Refusal) as refused:
        representative_invite(
            organisation=make_org(), email="KNOWN@example.jp", full_name="既存", by=lending_staff
        )
    assert refused.value.field == "email"


def test_inviting_again_replaces_the_waiting_invitation(make_org, lending_staff, client_for):
    org = make_org()
    first = representative_invite(
        organisation=org, email="taro@example.jp", full_name="太郎", by=lending_staff
    )
    second = representative_invite(
        organisation=org, email="taro@example.jp", full_name="太郎", by=lending_staff
    )
    first.refresh_from_db()
    assert first.status == RepresentativeInvitation.Status.CANCELLED
    assert second.status == RepresentativeInvitation.Status.OPEN
    client = client_for(lending_staff)
    old_token = second.token
    client.post(reverse("lending:representative_invitation_resend", args=[second.pk]))
    second.refresh_from_db()
    assert second.token != old_token
    client.post(reverse("lending:representative_invitation_cancel", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == RepresentativeInvitation.Status.CANCELLED
    page = Client().get(reverse("lending:invitation_accept", args=[second.token]))
    assert "signup_url" in page.context and page.context["invitation"].status == "cancelled"
    assert "/accounts/signup/" not in page.content.decode()
    assert Client().get(reverse("lending:invitation_accept", args=["nope"])).status_code == 404


def test_removing_a_member_ends_their_access_and_is_in_the_history(
    make_org, make_rep, lending_staff, client_for
):
    org = make_org()
    rep = make_rep(org, full_name="代表 花子")
    membership = Membership.objects.get(user=rep)
    client = client_for(lending_staff)
    response = client.post(
        reverse("lending:membership_remove", args=[membership.pk]), {"reason": "役員交代"}
    )
    assert response["Location"] == reverse("lending:organisation_detail", args=[org.pk])
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REVOKED
    assert Role.ORG_REPRESENTATIVE not in user_roles(User.objects.get(pk=rep.pk))
    entry = AuditEntry.objects.get(action="lending.membership.revoked")
    assert entry.note == "役員交代"
    history = client.get(reverse("lending:organisation_detail", args=[org.pk])).context["history"]
    assert "lending.membership.revoked" in {e.action for e in history}
    # Removing twice says so instead of failing.
    again = client.post(reverse("lending:membership_remove", args=[membership.pk]), follow=True)
    assert again.status_code == 200


def test_a_member_of_two_groups_keeps_the_role_when_removed_from_one(
    make_org, make_rep, lending_staff
):
    from lending.services import membership_revoke

    first, second = make_org(), make_org()
    rep = make_rep(first)
    Membership.objects.create(organisation=second, user=rep, status=Membership.Status.VERIFIED)
    membership_revoke(
        membership=Membership.objects.get(user=rep, organisation=first), by=lending_staff
    )
    assert Role.ORG_REPRESENTATIVE in user_roles(User.objects.get(pk=rep.pk))


def test_group_people_pages_are_for_lending_staff_only(
    make_org, make_rep, client_for, dx_staff, lending_staff
):
    org = make_org()
    rep = make_rep(org)
    membership = Membership.objects.get(user=rep)
    invitation = representative_invite(
        organisation=org, email="x@example.jp", full_name="X", by=lending_staff
    )
    for user in (dx_staff, rep):
        client = client_for(user)
        assert (
            client.get(reverse("lending:representative_invite", args=[org.pk])).status_code == 403
        )
        for name, pk in (
            ("lending:representative_invitation_resend", invitation.pk),
            ("lending:representative_invitation_cancel", invitation.pk),
            ("lending:membership_remove", membership.pk),
        ):
            assert client.post(reverse(name, args=[pk])).status_code == 403
