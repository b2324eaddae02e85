"""Writes of core: message templates, call outcomes and retried messages; staff invitations, roles and accounts (the 管理者's work); facilities.

Each function owns its transaction, refuses with a ``Refusal`` what the rules do
not allow, and writes its audit entry. Roles are groups (``core.roles``); no
function here ever sets ``is_staff`` or ``is_superuser``: the Django admin site
stays the system administrator's.
"""

import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, models, transaction
from django.template import TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_record, field_changes
from core.messaging import Recipient, check_template_text, send_message, shipped_texts
from core.models import Facility, Invitation, Message, MessageTemplate, User
from core.office_calendar import next_open_day
from core.refusals import Refusal
from core.roles import ASSIGNABLE_ROLES, Role, user_roles

CALL_OUTCOMES = (
    Message.Status.CALLED,
    Message.Status.NO_ANSWER,
    Message.Status.MESSAGE_LEFT,
    Message.Status.NOT_NEEDED,
)
POSTCARD_OUTCOMES = (Message.Status.POSTED, Message.Status.NOT_NEEDED)


def _checked(text: str, field: str) -> str:
    try:
        check_template_text(text)
    except TemplateSyntaxError as exc:
        raise Refusal(
            _("The text cannot be used as a template: %(problem)s") % {"problem": exc},
            field=field,
        ) from exc
    return text


def message_template_save(
    *, template: str, language: str, subject: str, body: str, by
) -> MessageTemplate:
    """Staff's own wording of ``template`` in ``language``: the next messages use it."""
    subject = " ".join(subject.split())
    _checked(subject, "subject")
    _checked(body, "body")
    if not subject or not body.strip():
        raise Refusal(_("Give both a subject and a body."), field="body" if subject else "subject")
    with transaction.atomic():
        row, _created = MessageTemplate.objects.select_for_update().get_or_create(
            template=template, language=language
        )
        before = shipped_texts(template, language) if not row.is_customised else row
        if row.is_customised and row.subject == subject and row.body == body:
            return row
        changes = {
            "subject": [before.subject, subject],
            "body": [before.body, body],
            "version": [row.version, row.version + 1],
        }
        row.subject, row.body = subject, body
        row.is_customised = True
        row.version += 1
        row.changed_at = timezone.now()
        row.changed_by = by
        row.save()
        audit_record(actor=by, action="core.message_template.changed", target=row, changes=changes)
    return row


def message_template_reset(*, template: str, language: str, by) -> MessageTemplate | None:
    """Back to the shipped texts of ``template`` in ``language`` (the edits stay in the history)."""
    with transaction.atomic():
        row = (
            MessageTemplate.objects.select_for_update()
            .filter(template=template, language=language)
            .first()
        )
        if row is None or not row.is_customised:
            return row
        changes = {
            "subject": [row.subject, ""],
            "body": [row.body, ""],
            "version": [row.version, row.version + 1],
        }
        row.subject, row.body = "", ""
        row.is_customised = False
        row.version += 1
        row.changed_at = timezone.now()
        row.changed_by = by
        row.save()
        audit_record(actor=by, action="core.message_template.reset", target=row, changes=changes)
    return row


def call_record_outcome(
    *, message: Message, outcome: str, by, note: str = "", today: date | None = None
) -> Message:
    """Record how a call (or a postcard) went. 不在 brings the call back the next open day."""
    today = today or timezone.localdate()
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        allowed = POSTCARD_OUTCOMES if message.is_postcard else CALL_OUTCOMES
        if message.channel not in (Message.Channel.CALL, Message.Channel.POSTCARD):
            raise Refusal(_("This message is not on the call list."))
        if outcome not in allowed:
            raise Refusal(_("Choose one of the outcomes shown."))
        if not message.is_open:
            raise Refusal(
                _("Someone has already recorded this one (%(status)s).")
                % {"status": message.get_status_display()}
            )
        before = message.status
        message.status = outcome
        message.last_attempt_at = timezone.now()
        if message.is_call:
            message.attempts += 1
        if note:
            message.note = (message.note + "\n" + note).strip()
        if outcome == Message.Status.NO_ANSWER:
            message.due_on = next_open_day(today, include_today=False)
        else:
            message.sent_at = timezone.now()
            message.done_by = by
        message.save()
        audit_record(
            actor=by,
            action="core.call.recorded",
            target=message,
            changes={"status": [before, outcome], "due_on": [None, str(message.due_on)]}
            if outcome == Message.Status.NO_ANSWER
            else {"status": [before, outcome]},
            note=note,
        )
    return message


def message_retry(*, message: Message, by, channel: str = "") -> Message:
    """Send a failed message again now (or put it on the call list / a postcard instead)."""
    from core.channels import get_channel

    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status != Message.Status.FAILED:
            raise Refusal(_("Only a failed message can be sent again."))
        before = {"status": message.status, "channel": message.channel}
        new_channel = get_channel(channel or message.channel)
        if not new_channel.reaches(message.recipient):
            raise Refusal(
                _("We have no %(channel)s details for this person.")
                % {"channel": new_channel.label},
                field="channel",
            )
        message.channel = new_channel.name
        message.status = new_channel.initial_status
        message.attempts = 0
        message.claimed_at = None
        if new_channel.automatic:
            message.next_attempt_at = timezone.now()
            message.due_on = None
        else:
            message.next_attempt_at = None
            message.due_on = timezone.localdate()
        message.save()
        audit_record(
            actor=by,
            action="core.message.retried",
            target=message,
            changes={
                "status": [before["status"], message.status],
                "channel": [before["channel"], message.channel],
            },
            note=message.last_error,
        )
        if new_channel.automatic:
            from core.delivery import enqueue_delivery

            keys = [message.idempotency_key]
            transaction.on_commit(lambda: enqueue_delivery(keys), robust=True)
    return message


def messages_anonymise(*, about: Iterable[models.Model]) -> int:
    """Blank the personal data of every message about ``about`` (when the app anonymises
    those records at the end of their retention period). Counts and dates stay."""
    from django.contrib.contenttypes.models import ContentType

    # One IN list per kind of record, not one OR per record: a year of applications is
    # thousands of records, more than SQLite's expression depth allows.
    ids_by_type: dict[int, list[str]] = {}
    for record in about:
        content_type = ContentType.objects.get_for_model(record, for_concrete_model=False)
        ids_by_type.setdefault(content_type.pk, []).append(str(record.pk))
    query = models.Q(pk__in=[])
    for type_id, ids in ids_by_type.items():
        query |= models.Q(about_type_id=type_id, about_id__in=ids)
    return Message.objects.filter(query).update(
        user=None,
        name="",
        name_kana="",
        email="",
        phone="",
        postal_code="",
        address="",
        body="",
        context={},
        note="",
        about_repr="",
    )


INVITATION_VALID_DAYS = 7


def role_labels(roles: Iterable[str]) -> str:
    """「備品貸出担当職員、管理者」: role names as people read them, in the site's language
    (audit notes are stored text and read by everyone)."""
    with translation.override(settings.LANGUAGE_CODE):
        return "、".join(str(Role(role).label) for role in roles)


def _assignable(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [role for role in roles if role not in ASSIGNABLE_ROLES]
    if unknown:
        raise Refusal(_("These roles cannot be given here."), field="roles")
    return [role.value for role in ASSIGNABLE_ROLES if role in roles]


def _refuse_system_administrator(account: User) -> None:
    if account.is_superuser:
        raise Refusal(
            _(
                "This is the system administrator's account; only the system administrator changes it."
            )
        )


def _forget_roles(account: User) -> None:
    account.__dict__.pop("_tsunagu_roles", None)


# --- Invitations ------------------------------------------------------------------------


def _invitation_link(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("core:invitation_accept", args=[invitation.token])


def _send_invitation_mail(invitation: Invitation) -> None:
    send_message(
        event="core.invitation.sent",
        template="core/mail/invitation",
        recipients=[Recipient(email=invitation.email, name=invitation.full_name)],
        context={
            "invitation": invitation,
            "inviter": invitation.invited_by.full_name,
            "roles": role_labels(invitation.roles),
            "link": _invitation_link(invitation),
        },
        about=invitation,
        occurrence=invitation.token,  # a resent invitation (new link) is a new message
    )


def _refuse_existing_account(email: str) -> None:
    from allauth.account.models import EmailAddress

    account = User.objects.filter(email__iexact=email).first()
    if account is None:
        # An account may also use the address as a second, confirmed one.
        second = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
        account = second.user if second else None
    if account is None:
        return
    if account.is_active:
        raise Refusal(
            _("An account with this address exists already: give it roles on its page."),
            field="email",
        )
    raise Refusal(
        _("This address belongs to a deactivated account: reactivate it on its page first."),
        field="email",
    )


def invitation_send(*, email: str, full_name: str, roles: Iterable[str], by: User) -> Invitation:
    """Invite someone to become staff with ``roles``; replaces a waiting invitation to the address."""
    email = email.strip().lower()
    roles = _assignable(roles)
    if not roles:
        raise Refusal(_("Choose at least one role."), field="roles")
    _refuse_existing_account(email)
    now = timezone.now()
    try:
        with transaction.atomic():
            for old in Invitation.objects.select_for_update().filter(
                email=email, accepted_at__isnull=True, cancelled_at__isnull=True
            ):
                old.cancelled_at = now
                old.save(update_fields=["cancelled_at"])
                audit_record(
                    actor=by,
                    action="core.invitation.cancelled",
                    target=old,
                    note=_("Replaced by a new invitation."),
                )
            invitation = Invitation.objects.create(
                email=email,
                full_name=full_name.strip(),
                roles=roles,
                token=secrets.token_urlsafe(32),
                invited_by=by,
                created_at=now,
                expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
            )
            audit_record(
                actor=by,
                action="core.invitation.sent",
                target=invitation,
                changes={"roles": roles},
                note=role_labels(roles),
            )
            _send_invitation_mail(invitation)
    except IntegrityError as exc:
        # Two 管理者 invited the same address at the same moment; the other one won.
        raise Refusal(
            _("This address was invited by someone else just now. Please look at the list."),
            field="email",
        ) from exc
    return invitation


def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """Send a waiting or expired invitation again, with a new link valid for another week."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.cancelled_at:
            raise Refusal(_("This invitation is closed; send a new one."))
        _refuse_existing_account(invitation.email)
        now = timezone.now()
        invitation.token = secrets.token_urlsafe(32)
        invitation.expires_at = now + timedelta(days=INVITATION_VALID_DAYS)
        invitation.save(update_fields=["token", "expires_at"])
        audit_record(actor=by, action="core.invitation.resent", target=invitation)
        _send_invitation_mail(invitation)
    return invitation


def invitation_cancel(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw an invitation that nobody has accepted: its link stops working."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.cancelled_at:
            raise Refusal(_("This invitation is closed already."))
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
        audit_record(actor=by, action="core.invitation.cancelled", target=invitation)
    return invitation


def waiting_invitations(invitations: models.QuerySet, email: str) -> models.QuerySet:
    """The invitations to ``email`` still waiting (not accepted, withdrawn or expired),
    locked for the caller's transaction: staff invitations and group representatives'
    invitations end the same way once the address is verified."""
    return invitations.select_for_update().filter(
        email=email.strip().lower(),
        accepted_at__isnull=True,
        cancelled_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


def invitation_accept_for(*, user: User, email: str) -> list[Invitation]:
    """Give ``user`` the roles of the invitations waiting for ``email``, which was just verified.

    Called by the account adapter when allauth has verified an address (never by
    a view with a token: the roles follow the mailbox, not the link). An
    invitation whose inviter is no longer an active 管理者 gives nothing.
    """
    accepted = []
    now = timezone.now()
    with transaction.atomic():
        waiting = waiting_invitations(Invitation.objects.select_related("invited_by"), email)
        for invitation in waiting:
            inviter = invitation.invited_by
            if not (inviter.is_active and Role.ADMINISTRATOR in user_roles(inviter)):
                continue
            roles = [role for role in invitation.roles if role in ASSIGNABLE_ROLES]
            user.groups.add(*Group.objects.filter(name__in=roles))
            _forget_roles(user)
            if not user.full_name:
                user.full_name = invitation.full_name
                user.save(update_fields=["full_name"])
            invitation.accepted_at = now
            invitation.accepted_by = user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
            audit_record(
                actor=user,
                action="core.invitation.accepted",
                target=invitation,
                changes={"roles": roles},
                note=role_labels(roles),
            )
            accepted.append(invitation)
    return accepted


# --- Accounts -------------------------------------------------------------------------


def account_roles_set(*, account: User, roles: Iterable[str], by: User) -> tuple[list, list]:
    """Give ``account`` exactly ``roles`` among the assignable ones; returns (added, removed).

    Other roles (volunteer, group representative) come from their own flows and
    stay as they are. Nobody removes their own 管理者 role.
    """
    wanted = set(_assignable(roles))
    _refuse_system_administrator(account)
    with transaction.atomic():
        # Two 管理者 changing one account's roles at once: the second waits for the first.
        User.objects.select_for_update().get(pk=account.pk)
        current = set(
            account.groups.filter(name__in=ASSIGNABLE_ROLES).values_list("name", flat=True)
        )
        added = [role.value for role in ASSIGNABLE_ROLES if role in wanted - current]
        removed = [role.value for role in ASSIGNABLE_ROLES if role in current - wanted]
        if account.pk == by.pk and Role.ADMINISTRATOR in removed:
            raise Refusal(
                _("You cannot remove your own Administrator role; ask another Administrator."),
                field="roles",
            )
        groups = {group.name: group for group in Group.objects.filter(name__in=added + removed)}
        for role in added:
            account.groups.add(groups[role])
            audit_record(
                actor=by,
                action="core.account.role_added",
                target=account,
                changes={"role": role},
                note=role_labels([role]),
            )
        for role in removed:
            account.groups.remove(groups[role])
            audit_record(
                actor=by,
                action="core.account.role_removed",
                target=account,
                changes={"role": role},
                note=role_labels([role]),
            )
    _forget_roles(account)
    return added, removed


def account_deactivate(*, account: User, by: User, reason: str = "") -> User:
    """Close an account: it can no longer sign in, and its history keeps its name."""
    if account.pk == by.pk:
        raise Refusal(_("You cannot deactivate your own account."))
    _refuse_system_administrator(account)
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if not account.is_active:
            raise Refusal(_("This account is deactivated already."))
        account.is_active = False
        account.save(update_fields=["is_active"])
        audit_record(
            actor=by,
            action="core.account.deactivated",
            target=account,
            changes={"is_active": [True, False]},
            note=reason.strip(),
        )
    return account


def account_reactivate(*, account: User, by: User) -> User:
    """Open a deactivated account again (with the roles it had)."""
    _refuse_system_administrator(account)
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if account.is_active:
            raise Refusal(_("This account is active already."))
        account.is_active = True
        account.save(update_fields=["is_active"])
        audit_record(
            actor=by,
            action="core.account.reactivated",
            target=account,
            changes={"is_active": [False, True]},
        )
    return account


def account_two_factor_reset(*, account: User, by: User, reason: str) -> list[str]:
    """Remove someone's two-step verification (lost phone); they set it up again at next sign-in.

    Returns the kinds removed (TOTP, recovery codes...). The person gets a mail.
    """
    from allauth.mfa.models import Authenticator

    reason = reason.strip()
    if not reason:
        raise Refusal(_("Say why the two-step verification is reset."), field="reason")
    if account.pk == by.pk:
        raise Refusal(_("Manage your own two-step verification on your own page."))
    _refuse_system_administrator(account)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=account.pk)
        authenticators = Authenticator.objects.filter(user=account)
        kinds = sorted(set(authenticators.values_list("type", flat=True)))
        if not kinds:
            raise Refusal(_("This account has no two-step verification to reset."))
        authenticators.delete()
        entry = audit_record(
            actor=by,
            action="core.account.two_factor_reset",
            target=account,
            changes={"removed": kinds},
            note=reason,
        )
        send_message(
            event="core.account.two_factor_reset",
            template="core/mail/two_factor_reset",
            recipients=[Recipient(email=account.email, name=account.full_name)],
            context={"account": account, "by": by.full_name},
            about=account,
            occurrence=str(entry.pk),  # each reset is told, however often it happens
        )
    return kinds


# --- Facilities -----------------------------------------------------------------------

FACILITY_FIELDS = [
    field.name
    for field in Facility._meta.concrete_fields
    if field.editable and not field.primary_key and field.name != "is_active"
]


def facility_snapshot(facility: Facility) -> dict[str, Any]:
    """The facility's fields as they are now, to compare after a change."""
    return {name: getattr(facility, name) for name in FACILITY_FIELDS}


def facility_save(
    *, facility: Facility, by: User, before: dict[str, Any] | None = None
) -> Facility:
    """Register a facility or save its changed details (``before``: its earlier snapshot)."""
    created = facility.pk is None
    with transaction.atomic():
        facility.save()
        if created:
            audit_record(actor=by, action="core.facility.created", target=facility)
        else:
            changes = field_changes(before or {}, facility_snapshot(facility))
            if changes:
                audit_record(
                    actor=by, action="core.facility.changed", target=facility, changes=changes
                )
    return facility


def facility_retire(*, facility: Facility, by: User, reason: str = "") -> Facility:
    """Take a facility out of use: it leaves the open data and the choice lists; its past stays."""
    with transaction.atomic():
        facility = Facility.objects.select_for_update().get(pk=facility.pk)
        if not facility.is_active:
            raise Refusal(_("This facility is out of use already."))
        facility.is_active = False
        facility.save(update_fields=["is_active"])
        audit_record(actor=by, action="core.facility.retired", target=facility, note=reason.strip())
    return facility


def facility_reinstate(*, facility: Facility, by: User) -> Facility:
    """Put a retired facility back in use."""
    with transaction.atomic():
        facility = Facility.objects.select_for_update().get(pk=facility.pk)
        if facility.is_active:
            raise Refusal(_("This facility is in use already."))
        facility.is_active = True
        facility.save(update_fields=["is_active"])
        audit_record(actor=by, action="core.facility.reinstated", target=facility)
    return facility
