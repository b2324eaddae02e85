"""Writes about volunteers: joining, approval, status, training, appointments, notes.

Each function owns its transaction and writes the audit entry.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import SCHEDULED_JOB, audit_record, field_changes
from core.fiscal import fiscal_year_label
from core.messaging import Recipient, send_message
from core.refusals import Refusal, clean_or_refuse
from core.roles import Role
from volunteers.models import (
    Appointment,
    StaffNote,
    TrainingRecord,
    VolunteerProfile,
    VolunteerSkill,
)
from volunteers.selectors import (
    appointments_lapsing,
    dx_contact,
    recipient_for,
    volunteer_settings,
)

PROFILE_FIELDS = [
    "full_name",
    "full_name_kana",
    "phone",
    "language",
    "affiliation",
    "affiliation_detail",
    "available_weekdays",
    "available_mornings",
    "available_afternoons",
]


def privacy_notice_version() -> str:
    return str(volunteer_settings().get("privacy_notice_version", "1"))


def _snapshot(profile: VolunteerProfile) -> dict:
    data = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    data["available_weekdays"] = sorted(data["available_weekdays"])
    data["skills"] = sorted(profile.skills.values_list("skill", flat=True)) if profile.pk else []
    return data


def _set_skills(profile: VolunteerProfile, skills: Iterable[str]) -> None:
    wanted = set(skills)
    profile.skills.exclude(skill__in=wanted).delete()
    have = set(profile.skills.values_list("skill", flat=True))
    VolunteerSkill.objects.bulk_create(
        [VolunteerSkill(profile=profile, skill=s) for s in sorted(wanted - have)]
    )


def profile_apply(
    *, user, data: dict, skills: Iterable[str], now: datetime | None = None
) -> VolunteerProfile:
    """Create the applicant's profile with their consent to the current privacy notice."""
    now = now or timezone.now()
    with transaction.atomic():
        if VolunteerProfile.objects.filter(user=user).exists():
            raise Refusal(_("You have already applied."))
        profile = VolunteerProfile(
            user=user,
            privacy_consented_at=now,
            privacy_notice_version=privacy_notice_version(),
            created_at=now,
            **{k: data[k] for k in PROFILE_FIELDS if k in data},
        )
        profile.available_weekdays = sorted(int(d) for d in profile.available_weekdays)
        clean_or_refuse(profile, exclude=["user"])
        try:
            with transaction.atomic():
                profile.save()
        except IntegrityError as exc:  # a double click: the other request won
            raise Refusal(_("You have already applied.")) from exc
        _set_skills(profile, skills)
        audit_record(
            actor=user,
            action="volunteers.volunteer.applied",
            target=profile,
            changes={"privacy_notice_version": [None, profile.privacy_notice_version]},
        )
    return profile


def profile_update(
    *, profile: VolunteerProfile, by, data: dict, skills: Iterable[str], reconsent: bool = False
) -> VolunteerProfile:
    """Change the profile's own details (by the volunteer or by 総務課)."""
    with transaction.atomic():
        profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
        before = _snapshot(profile)
        for name in PROFILE_FIELDS:
            if name in data:
                setattr(profile, name, data[name])
        profile.available_weekdays = sorted(int(d) for d in profile.available_weekdays)
        if reconsent:
            profile.privacy_consented_at = timezone.now()
            profile.privacy_notice_version = privacy_notice_version()
        clean_or_refuse(profile, exclude=["user"])
        profile.save()
        _set_skills(profile, skills)
        changes = field_changes(before, _snapshot(profile))
        if reconsent:
            changes["privacy_notice_version"] = [None, profile.privacy_notice_version]
        if changes:
            audit_record(
                actor=by, action="volunteers.volunteer.changed", target=profile, changes=changes
            )
    return profile


def _to(profile: VolunteerProfile) -> list[Recipient]:
    return [recipient_for(profile)]


def profile_approve(*, profile: VolunteerProfile, by, now: datetime | None = None) -> None:
    """総務課 approves an applicant: status approved, volunteer role granted, mail sent."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.status != VolunteerProfile.Status.APPLIED:
            raise Refusal(_("Only applications waiting for approval can be approved."))
        profile.status = VolunteerProfile.Status.APPROVED
        profile.approved_at = now
        profile.approved_by = by
        profile.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
        profile.user.groups.add(Group.objects.get(name=Role.VOLUNTEER))
        audit_record(
            actor=by,
            action="volunteers.volunteer.approved",
            target=profile,
            changes={"status": ["applied", "approved"]},
        )
        send_message(
            event="volunteers.volunteer.approved",
            template="volunteers/mail/approved",
            recipients=_to(profile),
            context={"profile": profile, "url": settings.SITE_URL + reverse("volunteers:me")},
            about=profile,
        )


def profile_change_status(
    *, profile: VolunteerProfile, by, status: str, note: str = ""
) -> VolunteerProfile:
    """Move an approved volunteer between active, paused and left (or close an application)."""
    with transaction.atomic():
        profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
        old = profile.status
        allowed = VolunteerProfile.TRANSITIONS.get(old, set())
        if status not in allowed:
            raise Refusal(
                _("A volunteer cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": VolunteerProfile.Status(old).label,
                    "new": VolunteerProfile.Status(status).label
                    if status in VolunteerProfile.Status.values
                    else status,
                }
            )
        profile.status = status
        profile.save(update_fields=["status", "updated_at"])
        if status == VolunteerProfile.Status.LEFT:
            # Someone who left keeps their record but loses the volunteer pages.
            profile.user.groups.remove(Group.objects.get(name=Role.VOLUNTEER))
        audit_record(
            actor=by,
            action="volunteers.volunteer.status_changed",
            target=profile,
            changes={"status": [old, status]},
            note=note,
        )
    return profile


def training_record_add(
    *, profile: VolunteerProfile, by, course: str, completed_on: date
) -> TrainingRecord:
    """Record a completed training course (what lets a volunteer sign up as 講師)."""
    if completed_on > timezone.localdate():
        raise Refusal(_("A training cannot be completed in the future."))
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            profile=profile, course=course.strip(), completed_on=completed_on, recorded_by=by
        )
        audit_record(
            actor=by,
            action="volunteers.training.recorded",
            target=profile,
            changes={"training": [None, str(record)]},
        )
    return record


def appointment_add(
    *, profile: VolunteerProfile, by, fiscal_year: int, appointed_on: date
) -> Appointment:
    """Record the デジタル推進委員 appointment for one fiscal year."""
    with transaction.atomic():
        if Appointment.objects.filter(profile=profile, fiscal_year=fiscal_year).exists():
            raise Refusal(
                _("The appointment for %(year)s is already recorded.")
                % {"year": fiscal_year_label(fiscal_year)}
            )
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    profile=profile,
                    fiscal_year=fiscal_year,
                    appointed_on=appointed_on,
                    recorded_by=by,
                )
        except IntegrityError as exc:
            raise Refusal(
                _("The appointment for %(year)s is already recorded.")
                % {"year": fiscal_year_label(fiscal_year)}
            ) from exc
        audit_record(
            actor=by,
            action="volunteers.appointment.made",
            target=profile,
            changes={"appointment": [None, fiscal_year]},
        )
    return appointment


def staff_note_add(*, profile: VolunteerProfile, by, text: str) -> StaffNote:
    """Add a note only 総務課 sees."""
    with transaction.atomic():
        note = StaffNote.objects.create(profile=profile, text=text.strip(), written_by=by)
        audit_record(actor=by, action="volunteers.note.added", target=profile)
    return note


def appointment_reminders_send(*, today: date | None = None) -> int:
    """Mail volunteers whose appointment lapses within the configured days and is not renewed.

    Each appointment is reminded once (``reminder_sent_at``), so cron may run daily.
    """
    today = today or timezone.localdate()
    within = int(volunteer_settings().get("appointment_reminder_days", 30))
    sent = 0
    for appointment in appointments_lapsing(today=today, within_days=within).filter(
        reminder_sent_at__isnull=True
    ):
        with transaction.atomic():
            locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if locked.reminder_sent_at is not None:
                continue
            locked.reminder_sent_at = timezone.now()
            locked.save(update_fields=["reminder_sent_at"])
            audit_record(
                actor=None,
                actor_label=SCHEDULED_JOB,
                action="volunteers.appointment.reminder_sent",
                target=appointment.profile,
            )
            send_message(
                event="volunteers.appointment.reminder_sent",
                template="volunteers/mail/appointment_reminder",
                recipients=_to(appointment.profile),
                context={
                    "profile": appointment.profile,
                    "appointment": appointment,
                    "contact": dx_contact(),
                },
                about=appointment.profile,
            )
            sent += 1
    return sent
