"""Telling people about their class: moved up from the waiting list, a cancelled or moved
class, the reminder before the class.

Each function here is called inside the transaction of the change that causes it
(``core.messaging.send_message`` writes the outbox rows there), so a change that is
rolled back tells nobody, and a repeat tells nobody twice. Residents are reached by
e-mail when they gave an address, otherwise they land on 総務課's 連絡リスト; they
read (or hear) the language they applied in.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import SCHEDULED_JOB, audit_record
from core.messaging import Recipient, send_message
from core.office_calendar import next_open_day
from outreach.models import Application, ClassSession, VolunteerSignup
from volunteers.selectors import recipient_for

# Residents who should still hear about their class: not cancelled, not anonymised.
ACTIVE = (Application.Status.CONFIRMED, Application.Status.WAITLISTED)


def applicant_recipient(application: Application) -> Recipient:
    """The resident as the outbox knows them; the application names them stably
    (two people of one household may share a phone)."""
    return Recipient(
        kind=Recipient.APPLICANT,
        name=application.name,
        name_kana=application.name_kana,
        email=application.email,
        phone=application.phone,
        language=application.language,
        key=f"outreach.application:{application.pk}",
    )


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _class_context(session: ClassSession) -> dict:
    return {
        "session": session,
        "class_url": _url("outreach:public_session", session.pk),
        "classes_url": _url("outreach:public_classes"),
        "cancel_url": _url("outreach:public_cancel"),
    }


def _applicants(session: ClassSession, status: str) -> list[Recipient]:
    applications = session.applications.filter(status=status, anonymised_at__isnull=True).order_by(
        "created_at", "id"
    )
    return [applicant_recipient(a) for a in applications]


def _volunteers(signups) -> list[Recipient]:
    return [recipient_for(s.volunteer) for s in signups]


def tell_promoted(application: Application, session: ClassSession) -> int:
    """The resident who moved up from the waiting list (whatever freed the place)."""
    from outreach.services.applications import format_reference

    return send_message(
        event="outreach.application.promoted",
        template="outreach/messages/promoted",
        recipients=[applicant_recipient(application)],
        context={**_class_context(session), "reference": format_reference(application.reference)},
        about=application,
    )


def tell_session_cancelled(session: ClassSession, released: list[VolunteerSignup]) -> int:
    """Everyone with a place or on the waiting list, and every volunteer whose sign-up
    the cancellation released. ``session.cancelled_at`` tells one cancellation from the next."""
    occurrence = session.cancelled_at.isoformat() if session.cancelled_at else ""
    told = 0
    for status in ACTIVE:
        told += send_message(
            event="outreach.session.cancelled",
            template="outreach/messages/cancelled",
            recipients=_applicants(session, status),
            context={**_class_context(session), "waitlisted": status == ACTIVE[1]},
            about=session,
            occurrence=occurrence,
        )
    if released:
        told += send_message(
            event="outreach.session.cancelled",
            template="outreach/messages/cancelled_volunteer",
            recipients=_volunteers(released),
            context={
                **_class_context(session),
                "mypage_url": _url("outreach:volunteer_mypage"),
                "helping_url": _url("outreach:signup_class_list"),
            },
            about=session,
            occurrence=occurrence,
        )
    return told


def tell_session_moved(session: ClassSession, before: dict) -> int:
    """Everyone concerned about a new date, time or venue. Each change is told again
    (``session.moved_at`` is the occurrence), a repeat of the same change is not."""
    occurrence = session.moved_at.isoformat()
    moved = {
        "before": before,
        "date_changed": before["starts_at"] != session.starts_at
        or before["ends_at"] != session.ends_at,
        "venue_changed": before["venue"] != session.venue or before["room"] != session.room,
    }
    told = 0
    for status in ACTIVE:
        told += send_message(
            event="outreach.session.changed",
            template="outreach/messages/moved",
            recipients=_applicants(session, status),
            context={
                **_class_context(session),
                **moved,
                "waitlisted": status == ACTIVE[1],
            },
            about=session,
            occurrence=occurrence,
        )
    signups = (
        VolunteerSignup.objects.filter(session=session)
        .exclude(status=VolunteerSignup.Status.CANCELLED)
        .select_related("volunteer__user")
        .order_by("signed_up_at", "id")
    )
    told += send_message(
        event="outreach.session.changed",
        template="outreach/messages/moved_volunteer",
        recipients=_volunteers(signups),
        context={
            **_class_context(session),
            **moved,
            "mypage_url": _url("outreach:volunteer_mypage"),
        },
        about=session,
        occurrence=occurrence,
    )
    return told


def reminder_window(now: datetime) -> tuple[datetime, datetime]:
    """The classes whose reminder is due at ``now``: those from tomorrow up to the next day
    the office is open, so that a Monday class is called about on Friday, not on Sunday."""
    today = timezone.localdate(now)
    tomorrow = today + timedelta(days=1)
    last = next_open_day(tomorrow)
    tz = timezone.get_default_timezone()
    start = datetime.combine(tomorrow, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


def application_reminders_send(*, now: datetime | None = None) -> int:
    """Remind every resident with a confirmed place of their class (e-mail, else a call on
    総務課's list). Run daily; a second run the same day (or the next) tells nobody again,
    a class moved to a new day is reminded of again. Returns how many messages were recorded."""
    now = now or timezone.now()
    start, end = reminder_window(now)
    sessions = (
        ClassSession.objects.for_residents()
        .filter(
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=[ClassSession.Status.OPEN, ClassSession.Status.FULL],
        )
        .select_related("course", "venue")
        .order_by("starts_at", "id")
    )
    recorded = 0
    for session in sessions:
        with transaction.atomic():
            told = send_message(
                event="outreach.session.reminded",
                template="outreach/messages/reminder",
                recipients=_applicants(session, Application.Status.CONFIRMED),
                context=_class_context(session),
                about=session,
                occurrence=session.starts_at.isoformat(),
                now=now,
            )
            if told:
                audit_record(
                    actor=None,
                    actor_label=SCHEDULED_JOB,
                    action="outreach.session.reminded",
                    target=session,
                    changes={"people": told},
                )
        recorded += told
    return recorded
