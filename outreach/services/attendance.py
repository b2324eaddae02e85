"""Attendance after a class: attended/absent, walk-ins, the short survey.

Recording attendance marks the session held (that is when the KPI counts it);
every change writes an audit entry with the fields before and after.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, field_changes
from core.figures import KPI_CACHE
from core.pagecache import bump
from core.refusals import Refusal
from outreach.models import (
    AgeBand,
    Application,
    Attendance,
    ClassSession,
    Course,
    StaffMember,
    person_key_for,
)
from outreach.selectors.classes import ANALYSIS_CACHE

SURVEY_FIELDS = ("satisfaction", "has_someone_to_ask", "comment", "wants_follow_up")


def _check_can_record(session: ClassSession) -> None:
    if session.status == ClassSession.Status.CANCELLED:
        raise Refusal(_("The class was cancelled; no attendance can be recorded."))
    if session.starts_at > timezone.now():
        raise Refusal(_("Attendance can be recorded once the class has started."))


def _mark_held(session: ClassSession, *, by) -> None:
    if session.status != ClassSession.Status.HELD:
        before = session.status
        session.status = ClassSession.Status.HELD
        ClassSession.objects.filter(pk=session.pk).update(status=session.status)
        audit_record(
            actor=by,
            action="outreach.session.held",
            target=session,
            changes={"status": [before, session.status]},
        )


def _snapshot(attendance: Attendance) -> dict:
    """What the audit trail records. No names, phone numbers or free text: the trail
    outlives the retention period, so it only says whether details were given."""
    return {
        "status": attendance.status,
        "details_given": bool(attendance.name or attendance.phone),
        "age_band": attendance.age_band,
        "satisfaction": attendance.satisfaction,
        "has_someone_to_ask": attendance.has_someone_to_ask,
        "comment_given": bool(attendance.comment),
        "wants_follow_up": attendance.wants_follow_up,
    }


def attendance_mark(
    *, application: Application, status: str, by, survey: dict | None = None
) -> Attendance:
    """Mark an applicant attended or absent (creating or changing their row)."""
    session = application.session
    _check_can_record(session)
    if application.status == Application.Status.CANCELLED:
        raise Refusal(_("This application was cancelled."))
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().filter(application=application).first()
        created = attendance is None
        if created:
            attendance = Attendance(
                session=session,
                application=application,
                person_key=application.person_key,
                age_band=application.age_band,
            )
            before = {}
        else:
            before = _snapshot(attendance)
        attendance.status = status
        for key, value in (survey or {}).items():
            if key in SURVEY_FIELDS:
                setattr(attendance, key, value)
        after = _snapshot(attendance)
        changes = field_changes(before, after)
        if changes or created:
            attendance.recorded_at = timezone.now()
            attendance.save()
            audit_record(
                actor=by,
                action="outreach.attendance.recorded" if created else "outreach.attendance.changed",
                target=attendance,
                changes=changes,
            )
        _mark_held(session, by=by)
        bump(KPI_CACHE, ANALYSIS_CACHE)  # pages that count this (core.pagecache)
    return attendance


def attendance_add_walk_in(
    *,
    session: ClassSession,
    by,
    name: str = "",
    phone: str = "",
    age_band: str = AgeBand.UNKNOWN,
    survey: dict | None = None,
) -> Attendance:
    """Someone came without applying: counted as attended, details optional."""
    _check_can_record(session)
    with transaction.atomic():
        attendance = Attendance(
            session=session,
            status=Attendance.Status.ATTENDED,
            is_walk_in=True,
            name=" ".join(name.split()),
            phone=phone.strip(),
            age_band=age_band or AgeBand.UNKNOWN,
            person_key=person_key_for(name, phone),
        )
        for key, value in (survey or {}).items():
            if key in SURVEY_FIELDS:
                setattr(attendance, key, value)
        attendance.save()
        audit_record(
            actor=by,
            action="outreach.attendance.walk_in_added",
            target=attendance,
            changes=field_changes({}, _snapshot(attendance)),
        )
        _mark_held(session, by=by)
        bump(KPI_CACHE, ANALYSIS_CACHE)  # pages that count this (core.pagecache)
    return attendance


def attendance_update_survey(*, attendance: Attendance, by, **values) -> Attendance:
    """Change a recorded row: status (walk-ins may be removed by marking absent) or survey."""
    with transaction.atomic():
        current = Attendance.objects.select_for_update().get(pk=attendance.pk)
        before = _snapshot(current)
        for key, value in values.items():
            if key in SURVEY_FIELDS or key == "status":
                setattr(current, key, value)
        changes = field_changes(before, _snapshot(current))
        if changes:
            current.save()
            audit_record(
                actor=by, action="outreach.attendance.changed", target=current, changes=changes
            )
            bump(KPI_CACHE, ANALYSIS_CACHE)  # pages that count this (core.pagecache)
    return current


def attendance_add_staff(*, session: ClassSession, staff_member: StaffMember, by) -> Attendance:
    """A named member of staff attended a staff course (training is tracked per person).

    Staff who came but were not identified are still added as anonymous walk-ins:
    they count for the KPI (延べ), not for the list of who has been trained.
    """
    _check_can_record(session)
    if session.course.audience != Course.Audience.STAFF:
        raise Refusal(_("Staff attendance is recorded for courses for city staff only."))
    if not staff_member.is_active:
        raise Refusal(
            _("%(name)s is not on the current personnel list.") % {"name": staff_member.name}
        )
    with transaction.atomic():
        if Attendance.objects.filter(session=session, staff_member=staff_member).exists():
            raise Refusal(
                _("%(name)s is already on the list of this class.") % {"name": staff_member.name},
                field="employee_number",
            )
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    session=session,
                    status=Attendance.Status.ATTENDED,
                    is_walk_in=True,
                    staff_member=staff_member,
                    # 実人数: the same person at two sessions is one person.
                    person_key=f"staff:{staff_member.pk}",
                )
        except IntegrityError:  # the same person added at the same moment elsewhere
            raise Refusal(
                _("%(name)s is already on the list of this class.") % {"name": staff_member.name},
                field="employee_number",
            ) from None
        audit_record(
            actor=by,
            action="outreach.attendance.staff_added",
            target=attendance,
            note=staff_member.employee_number,
        )
        _mark_held(session, by=by)
        bump(KPI_CACHE, ANALYSIS_CACHE)  # pages that count this (core.pagecache)
    return attendance
