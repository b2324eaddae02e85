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
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_record
from outreach.models import ClassSession, Course, VolunteerSignup
from outreach.selectors_signups import cancel_deadline, session_hours
from volunteers import selectors as volunteer_selectors

Role = VolunteerSignup.Role
Status = VolunteerSignup.Status


class SignupError(Exception):
    """A sign-up the rules refuse; the message is for the volunteer."""


def dx_contact() -> dict[str, str]:
    """Whom to call after the cutoff: the DX section's name and phone from the city file."""
    volunteers = settings.TSUNAGU.get("volunteers", {})
    return {
        "section": settings.TSUNAGU["sections"]["dx"],
        "phone": volunteers.get("contact_phone") or settings.TSUNAGU["city"].get("phone", ""),
    }


def _places(session: ClassSession, role: str) -> int:
    return session.instructor_places if role == Role.INSTRUCTOR else session.assistant_places


def _confirmed(session: ClassSession, role: str) -> int:
    return VolunteerSignup.objects.filter(
        session=session, role=role, status=Status.CONFIRMED
    ).count()


def _check_may_sign_up(*, session: ClassSession, volunteer, role: str, now: datetime) -> None:
    if not volunteer_selectors.profile_may_sign_up(volunteer):
        raise SignupError(_("Only approved volunteers can sign up for classes."))
    if role not in Role.values:
        raise SignupError(_("Please choose instructor or assistant."))
    if session.course.audience != Course.Audience.RESIDENTS:
        raise SignupError(_("This class does not take volunteers."))
    if session.status in (ClassSession.Status.CANCELLED, ClassSession.Status.HELD):
        raise SignupError(_("This class is no longer taking volunteers."))
    if session.starts_at <= now:
        raise SignupError(_("This class has already started."))
    if role == Role.INSTRUCTOR and not volunteer_selectors.profile_is_trained(
        volunteer, timezone.localdate(now)
    ):
        raise SignupError(
            _(
                "Signing up as an instructor needs a completed training. You can help as an assistant."
            )
        )


def _mail(recipient: str, subject: str, body: str) -> None:
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    )


def _session_words(session: ClassSession) -> dict[str, str]:
    local = timezone.localtime(session.starts_at)
    return {
        "title": session.title,
        "when": f"{local:%Y-%m-%d %H:%M}",
        "venue": session.venue.name,
    }


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
            raise SignupError(_("You have already signed up for this class."))
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
                raise SignupError(_("You have already signed up for this class.")) from exc
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
            raise SignupError(_("This sign-up is already cancelled."))
        if not staff and timezone.localdate(now) > cancel_deadline(session):
            contact = dx_contact()
            raise SignupError(
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
            actor_label="system (waiting list)",
            action="outreach.signup.promoted",
            target=candidate,
            changes={"status": [Status.WAITLISTED, Status.CONFIRMED]},
        )
        with translation.override("ja"):
            _mail(
                candidate.volunteer.user.email,
                _("A place for you: %(title)s") % _session_words(session),
                _(
                    "%(name)s,\n\nA place has become free and you are now confirmed for "
                    "%(title)s on %(when)s at %(venue)s as %(role)s.\n\n"
                    "If you cannot come, please cancel on your page:\n%(url)s\n"
                )
                % {
                    **_session_words(session),
                    "name": candidate.volunteer.full_name,
                    "role": candidate.get_role_display(),
                    "url": settings.SITE_URL + reverse("outreach:volunteer_mypage"),
                },
            )
        promoted = promoted or candidate
    return promoted


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
        raise SignupError(_("Attendance can be recorded once the class has started."))
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
                raise SignupError(_("Hours must be between 0 and 24."))
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
            with translation.override("ja"):
                words = _session_words(signup.session)
                room = f" {signup.session.room}" if signup.session.room else ""
                _mail(
                    signup.volunteer.user.email,
                    _("Tomorrow: %(title)s") % words,
                    _(
                        "%(name)s,\n\nThank you for helping tomorrow.\n%(title)s\n%(when)s\n"
                        "%(venue)s%(room)s\nRole: %(role)s\n\nIf you cannot come, please call "
                        "%(section)s at %(phone)s.\n"
                    )
                    % {
                        **words,
                        **dx_contact(),
                        "room": room,
                        "name": signup.volunteer.full_name,
                        "role": signup.get_role_display(),
                    },
                )
        sent += 1
    return sent
