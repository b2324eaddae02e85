"""Mails to groups about their reservations (always in Japanese, plain text)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop

from lending.models import Membership, Reservation

SUBJECTS = {
    # Marked here, translated when the mail is rendered (in the site language).
    "approved": gettext_noop("Your equipment reservation is approved"),
    "rejected": gettext_noop("Your equipment reservation could not be approved"),
    "pickup_reminder": gettext_noop("Reminder: equipment pickup tomorrow"),
    "overdue": gettext_noop("Please return the borrowed equipment"),
    "expired": gettext_noop("Your provisional reservation has expired"),
}


def reservation_recipients(reservation: Reservation) -> list[str]:
    """The group's representative address and its verified members' addresses."""
    organisation = reservation.organisation
    addresses = [organisation.representative_email] if organisation.representative_email else []
    addresses += Membership.objects.filter(
        organisation=organisation, status=Membership.Status.VERIFIED
    ).values_list("user__email", flat=True)
    return sorted({a for a in addresses if a})


def send_reservation_mail(reservation: Reservation, kind: str, **context) -> int:
    """Render ``templates/lending/mail/<kind>.txt`` and send it; returns the number sent."""
    recipients = reservation_recipients(reservation)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = translation.gettext(SUBJECTS[kind])
        body = render_to_string(
            f"lending/mail/{kind}.txt",
            {
                "reservation": reservation,
                "city": settings.TSUNAGU["city"],
                "section": settings.TSUNAGU["sections"]["lending"],
                "site_url": settings.SITE_URL,
                **context,
            },
        )
    prefix = f"[{settings.TSUNAGU['city']['name']} つなぐ] "
    return send_mail(prefix + subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
