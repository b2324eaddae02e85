"""Inviting a group's representative by e-mail; the membership follows the verified address.

The same way as core's staff invitations (``core.services.invitation_*``): the mail
goes through ``core.messaging``, the link leads to allauth's sign-up with the
address filled in, and ``representative_invitation_accept_for`` (declared in
``LendingConfig.email_verified_hooks``) turns the invitation into a verified
membership once allauth has verified that address. The link itself gives nothing.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.messaging import Recipient, send_message
from core.refusals import Refusal
from core.roles import Role, user_roles
from core.services import waiting_invitations
from lending.models import Membership, Organisation, RepresentativeInvitation

INVITATION_VALID_DAYS = 14


def invitation_link(invitation: RepresentativeInvitation) -> str:
    return settings.SITE_URL + reverse("lending:invitation_accept", args=[invitation.token])


def _send_mail(invitation: RepresentativeInvitation) -> None:
    send_message(
        event="lending.invitation.sent",
        template="lending/mail/invitation",
        recipients=[
            Recipient(
                kind=Recipient.GROUP_MEMBER, email=invitation.email, name=invitation.full_name
            )
        ],
        context={
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by.full_name,
            "link": invitation_link(invitation),
        },
        about=invitation,
        occurrence=invitation.token,  # a resent invitation (new link) is a new message
    )


def _refuse_existing_account(email: str) -> None:
    from allauth.account.models import EmailAddress

    from core.models import User

    if (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    ):
        raise Refusal(
            _(
                "An account with this address exists already: the person asks to join the "
                "group from their page (“My group's reservations”), and you verify it here."
            ),
            field="email",
        )


def representative_invite(
    *, organisation: Organisation, email: str, full_name: str, by, position: str = ""
) -> RepresentativeInvitation:
    """Invite someone by e-mail to act for ``organisation``; replaces a waiting invitation."""
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    if not email:
        raise Refusal(_("Please give the e-mail address."), field="email")
    if not full_name:
        raise Refusal(_("Please give the name."), field="full_name")
    if not organisation.is_active:
        raise Refusal(_("This group is no longer active."))
    _refuse_existing_account(email)
    now = timezone.now()
    try:
        with transaction.atomic():
            for old in RepresentativeInvitation.objects.select_for_update().filter(
                organisation=organisation,
                email=email,
                accepted_at__isnull=True,
                cancelled_at__isnull=True,
            ):
                old.cancelled_at = now
                old.save(update_fields=["cancelled_at"])
                audit_record(
                    actor=by,
                    action="lending.invitation.cancelled",
                    target=old,
                    note=_("Replaced by a new invitation."),
                )
            invitation = RepresentativeInvitation.objects.create(
                organisation=organisation,
                email=email,
                full_name=full_name,
                position=(position or "").strip(),
                token=secrets.token_urlsafe(32),
                invited_by=by,
                created_at=now,
                expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
            )
            audit_record(
                actor=by,
                action="lending.invitation.sent",
                target=invitation,
                note=organisation.name,
            )
            _send_mail(invitation)
    except IntegrityError as exc:
        raise Refusal(
            _("This address was invited by someone else just now. Please look at the list."),
            field="email",
        ) from exc
    return invitation


def representative_invitation_resend(
    *, invitation: RepresentativeInvitation, by
) -> RepresentativeInvitation:
    """Send a waiting or expired invitation again, with a new link."""
    with transaction.atomic():
        invitation = RepresentativeInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.cancelled_at:
            raise Refusal(_("This invitation is closed; send a new one."))
        _refuse_existing_account(invitation.email)
        invitation.token = secrets.token_urlsafe(32)
        invitation.expires_at = timezone.now() + timedelta(days=INVITATION_VALID_DAYS)
        invitation.save(update_fields=["token", "expires_at"])
        audit_record(actor=by, action="lending.invitation.resent", target=invitation)
        _send_mail(invitation)
    return invitation


def representative_invitation_cancel(
    *, invitation: RepresentativeInvitation, by
) -> RepresentativeInvitation:
    """Withdraw an invitation nobody has accepted: its link stops working."""
    with transaction.atomic():
        invitation = RepresentativeInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.cancelled_at:
            raise Refusal(_("This invitation is closed already."))
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
        audit_record(actor=by, action="lending.invitation.cancelled", target=invitation)
    return invitation


def representative_invitation_accept_for(*, user, email: str) -> list[RepresentativeInvitation]:
    """``email`` was just verified for ``user``: the invitations waiting for it make ``user``
    a verified member of their groups (with the representative role).

    Called by core's account adapter (``email_verified_hooks``), never by a view. An
    invitation whose sender is no longer active lending staff gives nothing.
    """
    accepted = []
    now = timezone.now()
    with transaction.atomic():
        waiting = waiting_invitations(
            RepresentativeInvitation.objects.select_related("invited_by", "organisation"), email
        )
        for invitation in waiting:
            inviter = invitation.invited_by
            if not (inviter.is_active and Role.LENDING_STAFF in user_roles(inviter)):
                continue
            membership, _created = Membership.objects.get_or_create(
                organisation=invitation.organisation,
                user=user,
                defaults={"position": invitation.position},
            )
            before = membership.status
            membership.status = Membership.Status.VERIFIED
            membership.verified_by = inviter
            membership.verified_at = now
            membership.position = membership.position or invitation.position
            membership.save(update_fields=["status", "verified_by", "verified_at", "position"])
            user.groups.add(Group.objects.get(name=Role.ORG_REPRESENTATIVE))
            user.__dict__.pop("_tsunagu_roles", None)
            if not user.full_name or user.full_name == user.email:
                user.full_name = invitation.full_name
                user.save(update_fields=["full_name"])
            invitation.accepted_at = now
            invitation.accepted_by = user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
            audit_record(
                actor=user,
                action="lending.invitation.accepted",
                target=invitation,
                note=invitation.organisation.name,
            )
            audit_record(
                actor=user,
                action="lending.membership.verified",
                target=membership,
                changes={"status": [before, Membership.Status.VERIFIED]},
                note=_("By invitation"),
            )
            accepted.append(invitation)
    return accepted
