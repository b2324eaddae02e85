"""Organisations and the users who act for them."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, field_changes
from core.refusals import Refusal, clean_or_refuse
from core.roles import Role
from lending.models import Membership, Organisation

ORGANISATION_FIELDS = [
    "name",
    "name_kana",
    "kind",
    "district",
    "representative_name",
    "representative_phone",
    "representative_email",
    "pickup_contact_name",
    "pickup_contact_phone",
    "return_contact_name",
    "return_contact_phone",
    "is_verified",
    "is_active",
    "notes",
]


def organisation_snapshot(organisation: Organisation) -> dict:
    return {f: getattr(organisation, f) for f in ORGANISATION_FIELDS}


def organisation_save(
    *, organisation: Organisation, by, before: dict | None = None
) -> Organisation:
    """Create or update an organisation (from a staff form), with its audit entry."""
    with transaction.atomic():
        created = organisation.pk is None
        clean_or_refuse(organisation)
        organisation.save()
        audit_record(
            actor=by,
            action="lending.organisation.created" if created else "lending.organisation.changed",
            target=organisation,
            changes=field_changes(before or {}, organisation_snapshot(organisation)),
        )
    return organisation


def membership_request(*, user, organisation: Organisation, position: str = "") -> Membership:
    """A signed-in user asks to act for a group; staff verify before any reservation."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            organisation=organisation, user=user, defaults={"position": position}
        )
        if not created and membership.status == Membership.Status.REVOKED:
            raise Refusal(
                _("Your link to this group was revoked. Please contact the desk."),
                field="organisation",
            )
        if created:
            audit_record(actor=user, action="lending.membership.requested", target=membership)
    return membership


def membership_verify(*, membership: Membership, by) -> Membership:
    """Staff confirm that the user speaks for the group; the user gets the representative role."""
    with transaction.atomic():
        updated = (
            Membership.objects.filter(pk=membership.pk)
            .exclude(status=Membership.Status.VERIFIED)
            .update(status=Membership.Status.VERIFIED, verified_by=by, verified_at=timezone.now())
        )
        if updated:
            membership.user.groups.add(Group.objects.get(name=Role.ORG_REPRESENTATIVE))
            audit_record(
                actor=by,
                action="lending.membership.verified",
                target=membership,
                changes={"status": [membership.status, Membership.Status.VERIFIED]},
            )
    membership.refresh_from_db()
    return membership


def membership_revoke(*, membership: Membership, by, reason: str = "") -> Membership:
    """Staff remove a member from a group; the account no longer sees the group's
    reservations, and loses the representative role when it acts for no other group."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if locked.status == Membership.Status.REVOKED:
            raise Refusal(_("This member has been removed already."))
        before = locked.status
        locked.status = Membership.Status.REVOKED
        locked.save(update_fields=["status"])
        user = locked.user
        still_member = Membership.objects.filter(
            user=user, status=Membership.Status.VERIFIED
        ).exists()
        if not still_member:
            user.groups.remove(Group.objects.get(name=Role.ORG_REPRESENTATIVE))
            user.__dict__.pop("_tsunagu_roles", None)
        audit_record(
            actor=by,
            action="lending.membership.revoked",
            target=locked,
            changes={"status": [before, Membership.Status.REVOKED]},
            note=(reason or "").strip(),
        )
    membership.refresh_from_db()
    return membership
