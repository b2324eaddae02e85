"""Mails to groups about their reservations, through ``core.messaging``.

The texts are ``templates/lending/mail/<name>.subject.txt`` and ``<name>.txt``
(Japanese, like every letter of the desk; staff may reword them, see
``LendingConfig.message_templates``). A notice goes into the outbox in the
transaction of the change it reports; the daily job also marks each reservation
in that transaction, so a notice is never recorded twice.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from core import office_calendar
from core.messaging import Recipient, send_message
from lending.models import Loan, Membership, Reservation


def reservation_recipients(reservation: Reservation) -> list[Recipient]:
    """Who hears about a reservation: its group's representative and verified members.

    Everyone with an e-mail address gets the mail (one per address). A group nobody
    of which has an address is not left out: its representative goes on the desk's
    連絡リスト by phone (``core.messaging`` chooses the channel).
    """
    organisation = reservation.organisation
    representative = Recipient(
        kind=Recipient.GROUP_MEMBER,
        email=organisation.representative_email,
        name=organisation.representative_name,
        phone=organisation.representative_phone,
        key=f"lending.organisation:{organisation.pk}:representative",
    )
    by_email = {representative.email: representative} if representative.email else {}
    memberships = Membership.objects.filter(
        organisation=organisation, status=Membership.Status.VERIFIED
    ).select_related("user")
    for membership in memberships:
        user = membership.user
        if user.email and user.email not in by_email:
            by_email[user.email] = Recipient(
                kind=Recipient.GROUP_MEMBER, email=user.email, name=user.full_name, user=user
            )
    if not by_email:
        return [representative]
    return [by_email[email] for email in sorted(by_email)]


def reservation_notify(
    reservation: Reservation,
    name: str,
    *,
    event: str,
    about=None,
    occurrence: str = "",
    now: datetime | None = None,
    **context,
) -> int:
    """Send ``lending/mail/<name>`` about ``reservation`` (or ``about``, e.g. one loan) to its
    group, recorded at ``now`` (the time of the change); returns how many were recorded."""
    return send_message(
        event=event,
        template=f"lending/mail/{name}",
        recipients=reservation_recipients(reservation),
        context={"reservation": reservation, **context},
        about=about or reservation,
        occurrence=occurrence,
        now=now,
    )


def reservations_send_pickup_reminders(
    *, today: date | None = None, now: datetime | None = None
) -> int:
    """Remind groups whose pickup is on the next open day; returns how many groups were mailed.

    On the last open day before a closed stretch the reminder goes out for the next open day.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    next_open = office_calendar.next_open_day(today, include_today=False)
    upcoming = Reservation.objects.filter(
        state=Reservation.State.APPROVED,
        pickup_date__gt=today,
        pickup_date__lte=next_open,
        pickup_reminder_sent_at__isnull=True,
    ).select_related("organisation")
    mailed = 0
    for reservation in upcoming:
        with transaction.atomic():
            marked = Reservation.objects.filter(
                pk=reservation.pk, pickup_reminder_sent_at__isnull=True
            ).update(pickup_reminder_sent_at=now)
            if marked and reservation_notify(
                reservation, "pickup_reminder", event="lending.reservation.pickup_reminded"
            ):
                mailed += 1
    return mailed


def reservations_send_overdue_notices(
    *, today: date | None = None, now: datetime | None = None
) -> int:
    """Tell groups with units past their due date, once per reservation (then the desk phones)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    overdue = (
        Reservation.objects.filter(
            loans__handed_out_at__isnull=False,
            loans__returned_at__isnull=True,
            loans__due_date__lt=today,
        )
        .filter(overdue_notice_sent_at__isnull=True)
        .distinct()
        .select_related("organisation")
    )
    mailed = 0
    for reservation in overdue:
        loans = Loan.objects.filter(
            reservation=reservation, handed_out_at__isnull=False, returned_at__isnull=True
        ).select_related("item__equipment_type")
        with transaction.atomic():
            marked = Reservation.objects.filter(
                pk=reservation.pk, overdue_notice_sent_at__isnull=True
            ).update(overdue_notice_sent_at=now)
            if marked and reservation_notify(
                reservation,
                "overdue",
                event="lending.reservation.overdue_notified",
                loans=list(loans),
            ):
                mailed += 1
    return mailed
