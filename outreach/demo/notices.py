"""The demo's changes that people must hear about, made through the real services after the
classes and the sign-ups exist: a class moves to another venue and time, another is
cancelled with a volunteer signed up (volunteer@example.jp sees it released on the my
page), and the daily reminder runs. 佐々木 幸子's move up from the waiting list happens
with the classes (``outreach.demo.classes``).

Each story runs once: a moved or cancelled class of the series is found again.
"""

import contextlib
from datetime import datetime, time

from django.db.models import Count
from django.utils import timezone

from core.demo import UNDELIVERABLE_DOMAIN
from core.models import Facility, Message, User
from core.refusals import Refusal
from outreach.models import Application, ClassSession, PhoneType, Series, VolunteerSignup
from outreach.services import (
    application_create,
    application_reminders_send,
    session_cancel,
    session_update,
    signup_create,
)
from volunteers.models import VolunteerProfile

SERIES_TITLE = "はじめてのスマホ教室（第2火曜）"
CANCEL_REASON = "会場の設備点検のため"


def _aware(day, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_default_timezone())


def _move(session: ClassSession, by: User) -> None:
    """The class goes to the civic centre in the afternoon: everyone with a place is told."""
    venue = Facility.objects.filter(name="茂原市総合市民センター").first()
    if venue is None:
        return
    day = session.local_date
    session_update(
        session=session,
        by=by,
        venue=venue,
        room="第1会議室",
        starts_at=_aware(day, time(13, 30)),
        ends_at=_aware(day, time(15, 30)),
    )


def _cancel(session: ClassSession, by: User) -> None:
    """Two residents (one without e-mail) and volunteer@example.jp, then the cancellation."""
    volunteer = VolunteerProfile.objects.filter(user__email="volunteer@example.jp").first()
    if volunteer is not None:
        # Already signed up, or not allowed: the story goes on without.
        with contextlib.suppress(Refusal):
            signup_create(
                session=session,
                volunteer=volunteer,
                role=VolunteerSignup.Role.ASSISTANT,
                by=volunteer.user,
            )
    for person in (
        {
            "name": "石井 京子",
            "name_kana": "いしい きょうこ",
            "phone": "0475-26-1502",
            "phone_type": PhoneType.RAKURAKU,
        },
        {
            "name": "山口 博",
            "name_kana": "やまぐち ひろし",
            "phone": "0475-23-8807",
            # This address bounces: the outbox shows a failed mail to send again or call.
            "email": "yamaguchi.hiroshi" + UNDELIVERABLE_DOMAIN,
            "phone_type": PhoneType.IPHONE,
        },
    ):
        with contextlib.suppress(Refusal):
            application_create(session=session, channel=Application.Channel.PHONE, by=by, **person)
    session_cancel(session=session, by=by, reason=CANCEL_REASON)


def seed(stdout=None) -> None:
    somu = User.objects.filter(email="somu@example.jp").first()
    series = Series.objects.filter(title=SERIES_TITLE).order_by("-first_date").first()
    if series is None or somu is None:
        return
    sessions = list(
        series.sessions.filter(starts_at__gt=timezone.now())
        .annotate(signups=Count("volunteer_signups"))
        .order_by("starts_at", "id")
    )
    if not series.sessions.filter(moved_at__isnull=False).exists() and len(sessions) > 2:
        _move(sessions[2], somu)
    if not series.sessions.filter(status=ClassSession.Status.CANCELLED).exists():
        # The latest class nobody helps at yet (the demo's others keep their staffing).
        free = [s for s in sessions if s.signups == 0 and s.confirmed_count == 0]
        if free:
            _cancel(free[-1], somu)
    reminded = application_reminders_send()
    if stdout is not None:
        outreach_messages = Message.objects.filter(event__startswith="outreach.")
        stdout.write(
            f"outreach messages: {outreach_messages.count()} "
            f"({outreach_messages.filter(channel='call').count()} calls); "
            f"reminders today {reminded}\n"
        )
