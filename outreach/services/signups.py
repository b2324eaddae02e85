"""Writes about volunteer sign-ups: sign up, cancel (with waiting-list promotion),
attendance after the class, and the day-before reminder.

Places per role are counted under a lock on the class session row
(``select_for_update``), so two volunteers taking the last place at the same
moment never both get it: the second one waits for the first to commit, then
counts again and lands on the waiting list.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import SYSTEM, audit_record
from core.messaging import Recipient, send_message
from core.refusals import Refusal
from outreach.models import ClassSession, Course, VolunteerSignup
from outreach.selectors.signups import cancel_deadline, session_hours
from volunteers import selectors as volunteer_selectors

Role = VolunteerSignup.Role
Status = VolunteerSignup.Status


def _places(session: ClassSession, role: str) -> int:
    return session.instructor_places if role == Role.INSTRUCTOR else session.assistant_places


def _confirmed(session: ClassSession, role: str) -> int:
    return VolunteerSignup.objects.filter(
        session=session, role=role, status=Status.CONFIRMED
    ).count()


def _check_may_sign_up(*, session: ClassSession, volunteer, role: str, now: datetime) -> None:
    if not volunteer_selectors.profile_may_sign_up(volunteer):
        raise Refusal(_("Only approved volunteers can sign up for classes."))
    if role not in Role.values:
        raise Refusal(_("Please choose instructor or assistant."), field="role")
    if session.course.audience != Course.Audience.RESIDENTS:
        raise Refusal(_("This class does not take volunteers."))
    if session.status in (ClassSession.Status.CANCELLED, ClassSession.Status.HELD):
        raise Refusal(_("This class is no longer taking volunteers."))
    if session.starts_at <= now:
        raise Refusal(_("This class has already started."))
    if role == Role.INSTRUCTOR and not volunteer_selectors.profile_is_trained(
        volunteer, timezone.localdate(now)
    ):
        raise Refusal(
            _(
                "Signing up as an instructor needs a completed training. You can help as an assistant."
            )
        )


def _volunteer(signup: VolunteerSignup) -> Recipient:
    return volunteer_selectors.recipient_for(signup.volunteer)


def signup_create(
    *, session: ClassSession, volunteer, role: str, by=None, now: datetime | None = None
) -> VolunteerSignup:
    """Sign a volunteer up as 講師 or 補助: a place if one is free, else the waiting list."""
    now = now or timezone.now()
    by = by or volunteer.user
    with transaction.atomic():
        # The lock that serialises every sign-up and cancellation of this class.
        session = (
            ClassSession.objects.select_for_update()
            .select_related("course", "venue")
            .get(pk=session.pk)
        )
        _check_may_sign_up(session=session, volunteer=volunteer, role=role, now=now)
        existing = VolunteerSignup.objects.filter(session=session, volunteer=volunteer).first()
        if existing is not None and existing.status != Status.CANCELLED:
            raise Refusal(_("You have already signed up for this class."))
        status = (
            Status.CONFIRMED
            if _confirmed(session, role) < _places(session, role)
            else (Status.WAITLISTED)
        )
        fields = {
            "role": role,
            "status": status,
            "signed_up_at": now,
            "confirmed_at": now if status == Status.CONFIRMED else None,
            "cancelled_at": None,
            "attended": None,
            "hours": None,
            "reminder_sent_for": None,
        }
        if existing is not None:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            signup = existing
        else:
            try:
                with transaction.atomic():
                    signup = VolunteerSignup.objects.create(
                        session=session, volunteer=volunteer, **fields
                    )
            except IntegrityError as exc:  # the same volunteer, twice at once
                raise Refusal(_("You have already signed up for this class.")) from exc
        audit_record(
            actor=by,
            action="outreach.signup.created",
            target=signup,
            changes={"status": [None, status], "role": [None, role]},
        )
    return signup


def signup_cancel(
    *, signup: VolunteerSignup, by, now: datetime | None = None, staff: bool = False
) -> VolunteerSignup | None:
    """Cancel a sign-up; a freed place goes to the first on the waiting list, who gets a mail.

    Volunteers may cancel until the cutoff (``cancel_deadline``); 総務課 (``staff``) any time.
    Returns the promoted sign-up, if any.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = (
            ClassSession.objects.select_for_update()
            .select_related("venue")
            .get(pk=signup.session_id)
        )
        signup = VolunteerSignup.objects.select_related("volunteer__user").get(pk=signup.pk)
        if signup.status == Status.CANCELLED:
            raise Refusal(_("This sign-up is already cancelled."))
        if signup.attended is not None:
            # The record of who came is a fact the hours and the KPI count: keep it.
            raise Refusal(_("Attendance is already recorded for this sign-up; it stays as it is."))
        if not staff and timezone.localdate(now) > cancel_deadline(session):
            contact = volunteer_selectors.dx_contact()
            raise Refusal(
                _("It is too late to cancel here. Please call %(section)s at %(phone)s.") % contact
            )
        was = signup.status
        signup.status = Status.CANCELLED
        signup.cancelled_at = now
        signup.save(update_fields=["status", "cancelled_at"])
        audit_record(
            actor=by,
            action="outreach.signup.cancelled",
            target=signup,
            changes={"status": [was, Status.CANCELLED]},
        )
        promoted = None
        if was == Status.CONFIRMED and session.starts_at > now:
            promoted = _promote_first_waiting(session=session, role=signup.role, now=now)
    return promoted


def _promote_first_waiting(
    *, session: ClassSession, role: str, now: datetime
) -> VolunteerSignup | None:
    """Under the session lock: give free places of ``role`` to the waiting list, in order."""
    promoted = None
    while _confirmed(session, role) < _places(session, role):
        waiting = (
            VolunteerSignup.objects.filter(session=session, role=role, status=Status.WAITLISTED)
            .select_related("volunteer__user")
            .order_by("signed_up_at", "id")
        )
        candidate = next((s for s in waiting if s.volunteer.may_sign_up), None)
        if candidate is None:
            break
        candidate.status = Status.CONFIRMED
        candidate.confirmed_at = now
        candidate.save(update_fields=["status", "confirmed_at"])
        audit_record(
            actor=None,
            actor_label=SYSTEM,
            action="outreach.signup.promoted",
            target=candidate,
            changes={"status": [Status.WAITLISTED, Status.CONFIRMED]},
        )
        send_message(
            event="outreach.signup.promoted",
            template="outreach/messages/signup_promoted",
            recipients=[_volunteer(candidate)],
            context={
                "signup": candidate,
                "session": session,
                "url": settings.SITE_URL + reverse("outreach:volunteer_mypage"),
            },
            about=candidate,
            # A sign-up row is reused after a cancellation: each promotion is told.
            occurrence=now.isoformat(),
        )
        promoted = promoted or candidate
    return promoted


def signups_release(*, session: ClassSession, now: datetime) -> list[VolunteerSignup]:
    """The class is cancelled: every volunteer's place or waiting-list entry is released
    (the volunteer did not cancel; the my page says why). The caller holds the session
    lock and tells the volunteers. Returns the released sign-ups."""
    released = list(
        VolunteerSignup.objects.select_for_update()
        .filter(session=session, status__in=[Status.CONFIRMED, Status.WAITLISTED])
        .order_by("signed_up_at", "id")
    )
    for signup in released:
        was = signup.status
        signup.status = Status.CANCELLED
        signup.cancelled_at = now
        signup.released_at = now
        signup.save(update_fields=["status", "cancelled_at", "released_at"])
        audit_record(
            actor=None,
            actor_label=SYSTEM,
            action="outreach.signup.released",
            target=signup,
            changes={"status": [was, Status.CANCELLED]},
        )
    # The volunteers are loaded after the lock (select_for_update with a join would lock
    # their rows too, and a nullable join cannot be locked on PostgreSQL).
    volunteers = {
        v.pk: v
        for v in volunteer_selectors.all_profiles()
        .select_related("user")
        .filter(pk__in=[s.volunteer_id for s in released])
    }
    for signup in released:
        signup.volunteer = volunteers[signup.volunteer_id]
    return released


def signups_fill_places(*, session: ClassSession, now: datetime | None = None) -> int:
    """After places were added to a class, move waiting volunteers up. Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        session = (
            ClassSession.objects.select_for_update().select_related("venue").get(pk=session.pk)
        )
        before = VolunteerSignup.objects.filter(session=session, status=Status.CONFIRMED).count()
        for role in Role.values:
            _promote_first_waiting(session=session, role=role, now=now)
        after = VolunteerSignup.objects.filter(session=session, status=Status.CONFIRMED).count()
    return after - before


def signup_record_attendance(
    *,
    session: ClassSession,
    by,
    came: set[int],
    hours: dict[int, Decimal] | None = None,
    now: datetime | None = None,
) -> int:
    """After the class: mark which confirmed volunteers came (ids in ``came``) and their hours.

    Hours default to the length of the class. Returns how many sign-ups changed.
    """
    now = now or timezone.now()
    hours = hours or {}
    if session.starts_at > now:
        raise Refusal(_("Attendance can be recorded once the class has started."))
    default_hours = session_hours(session)
    changed = 0
    with transaction.atomic():
        signups = VolunteerSignup.objects.select_for_update().filter(
            session=session, status=Status.CONFIRMED
        )
        for signup in signups:
            attended = signup.pk in came
            new_hours = (hours.get(signup.pk) or default_hours) if attended else None
            if new_hours is not None and not (Decimal("0") <= new_hours <= Decimal("24")):
                raise Refusal(_("Hours must be between 0 and 24."))
            if signup.attended == attended and signup.hours == new_hours:
                continue
            before = [signup.attended, str(signup.hours) if signup.hours is not None else None]
            signup.attended = attended
            signup.hours = new_hours
            signup.attendance_recorded_by = by
            signup.save(update_fields=["attended", "hours", "attendance_recorded_by"])
            audit_record(
                actor=by,
                action="outreach.signup.attendance_recorded",
                target=signup,
                changes={
                    "attended": [before[0], attended],
                    "hours": [before[1], str(new_hours) if new_hours is not None else None],
                },
            )
            changed += 1
    return changed


def signup_reminders_send(*, now: datetime | None = None) -> int:
    """Mail every confirmed volunteer whose class is tomorrow (Asia/Tokyo). Once per class start."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    tz = timezone.get_default_timezone()
    start = datetime.combine(tomorrow, datetime.min.time(), tzinfo=tz)
    end = start + timedelta(days=1)
    due = (
        VolunteerSignup.objects.filter(
            status=Status.CONFIRMED,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .exclude(session__status=ClassSession.Status.CANCELLED)
        .select_related("session", "session__venue", "volunteer__user")
    )
    sent = 0
    for signup in due:
        if signup.reminder_sent_for == signup.session.starts_at:
            continue
        with transaction.atomic():
            updated = (
                VolunteerSignup.objects.filter(pk=signup.pk, status=Status.CONFIRMED)
                .exclude(reminder_sent_for=signup.session.starts_at)
                .update(reminder_sent_for=signup.session.starts_at)
            )
            if not updated:  # another run got there first
                continue
            send_message(
                event="outreach.signup.reminder",
                template="outreach/messages/signup_reminder",
                recipients=[_volunteer(signup)],
                context={
                    "signup": signup,
                    "session": signup.session,
                    "contact": volunteer_selectors.dx_contact(),
                },
                about=signup,
                # A class moved to another day is reminded of again.
                occurrence=signup.session.starts_at.isoformat(),
            )
        sent += 1
    return sent
