"""Sessions and series: plan a run of classes from a recurrence rule."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from dateutil.rrule import DAILY, rrulestr
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, field_changes
from core.figures import KPI_CACHE
from core.office_calendar import closed_reason
from core.pagecache import bump
from core.refusals import Refusal
from outreach.models import ClassSession, Course, Series
from outreach.selectors.classes import ANALYSIS_CACHE, PUBLIC_CLASSES_CACHE

from .applications import _promote_waitlisted, _refresh_full_status
from .notices import tell_session_cancelled, tell_session_moved
from .signups import signups_fill_places, signups_release

MAX_SESSIONS_PER_SERIES = 300  # a year of weekdays; more is a typo in the rule
# The Gregorian calendar repeats itself every 400 years, weekdays included.
CALENDAR_CYCLE_YEARS = 400


def _cycles_to_shift(last_date: date) -> int:
    """How many 400-year cycles to move a period so it ends in the last cycle before 9999.

    dateutil looks for the next occurrence until year 9999 before it gives up, so a rule
    that can never match (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) kept a worker busy for
    seconds. Moved into the last cycle the same days come out (the calendar repeats),
    and the search ends within 400 years: a fraction of a second whatever the rule."""
    return (datetime.max.year - 1 - last_date.year) // CALENDAR_CYCLE_YEARS


def _shift(moment: datetime | None, years: int) -> datetime | None:
    return moment.replace(year=moment.year + years) if moment else None


@dataclass
class SeriesPreview:
    """The days a rule gives, split into those we keep and closed days we skip."""

    days: list[date] = field(default_factory=list)
    skipped: list[tuple[date, str]] = field(default_factory=list)
    today: date | None = None

    @property
    def past_days(self) -> list[date]:
        """Kept days already gone: saved as sessions, but nobody can apply for them."""
        return [day for day in self.days if self.today and day < self.today]


def _aware(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_default_timezone())


def series_preview(
    *,
    rule: str,
    first_date: date,
    last_date: date,
    status: str | None = None,
    today: date | None = None,
) -> SeriesPreview:
    """Expand ``rule`` (RRULE text without DTSTART) between the two days, skipping
    days the city office is closed (weekends, 国民の祝日, 年末年始).

    Refuses a rule it cannot read or a period it cannot fill, and a series wholly in
    the past that would open for applications (``status`` 申込受付中)."""
    if last_date < first_date:
        raise Refusal(_("The end date must be after the start date."), field="last_date")
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    years = _cycles_to_shift(last_date) * CALENDAR_CYCLE_YEARS
    start = datetime.combine(first_date, time.min)
    try:
        parsed = rrulestr(text, dtstart=start)
        # Classes fall on days: a rule by the hour, minute or second is a mistake, and
        # one by the second may search for tens of millions of moments.
        if parsed._freq > DAILY:
            raise Refusal(
                _("A class repeats by day, week, month or year (FREQ=DAILY, WEEKLY, …)."),
                field="rule",
            )
        # An UNTIL after the period changes nothing (the period ends first) and might
        # not survive the move.
        until = parsed._until if parsed._until and parsed._until.date() <= last_date else None
        parsed = parsed.replace(dtstart=_shift(start, years), until=_shift(until, years))
    except (ValueError, TypeError) as exc:  # dateutil's way of saying the text is not a rule
        raise Refusal(_("The repeat rule could not be read."), field="rule") from exc
    preview = SeriesPreview(today=today or timezone.localdate())
    end = _shift(datetime.combine(last_date, time.max), years)
    for occurrence in parsed.xafter(
        _shift(start, years), count=MAX_SESSIONS_PER_SERIES + 1, inc=True
    ):
        if occurrence > end:
            break
        day = _shift(occurrence, -years).date()
        if reason := closed_reason(day):
            preview.skipped.append((day, reason))
        else:
            preview.days.append(day)
    if len(preview.days) > MAX_SESSIONS_PER_SERIES:
        raise Refusal(
            _("The rule gives more than %(n)s classes; please shorten the period.")
            % {"n": MAX_SESSIONS_PER_SERIES},
            field="last_date",
        )
    if (
        status == ClassSession.Status.OPEN
        and preview.days
        and len(preview.past_days) == len(preview.days)
    ):
        raise Refusal(
            _(
                "Every day of this series is in the past, so nobody could apply. "
                "Change the dates, or choose “%(planned)s” to record past classes."
            )
            % {"planned": ClassSession.Status.PLANNED.label},
            field="status",
        )
    return preview


def series_create(
    *,
    course: Course,
    venue,
    title: str,
    rule: str,
    first_date: date,
    last_date: date,
    start_time: time,
    end_time: time,
    capacity: int,
    instructor_places: int = 1,
    assistant_places: int = 2,
    status: str = ClassSession.Status.PLANNED,
    notes: str = "",
    by,
) -> Series:
    """Save the series and one session per kept day (the same days the preview showed)."""
    if end_time <= start_time:
        raise Refusal(_("The end time must be after the start time."), field="end_time")
    preview = series_preview(rule=rule, first_date=first_date, last_date=last_date, status=status)
    if not preview.days:
        raise Refusal(_("The rule gives no open days in this period."))
    with transaction.atomic():
        bump(PUBLIC_CLASSES_CACHE, ANALYSIS_CACHE)  # pages that show this (core.pagecache)
        series = Series.objects.create(
            course=course,
            title=title,
            venue=venue,
            rule=rule.strip(),
            first_date=first_date,
            last_date=last_date,
            start_time=start_time,
            end_time=end_time,
            skipped_days=[[d.isoformat(), reason] for d, reason in preview.skipped],
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        sessions = ClassSession.objects.bulk_create(
            ClassSession(
                course=course,
                series=series,
                title=title,
                venue=venue,
                starts_at=_aware(day, start_time),
                ends_at=_aware(day, end_time),
                capacity=capacity,
                instructor_places=instructor_places,
                assistant_places=assistant_places,
                status=status,
                notes=notes,
            )
            for day in preview.days
        )
        audit_record(
            actor=by,
            action="outreach.series.created",
            target=series,
            changes={"sessions": len(sessions), "skipped": len(preview.skipped)},
        )
    return series


SESSION_FIELDS = (
    "course",
    "title",
    "venue",
    "room",
    "starts_at",
    "ends_at",
    "capacity",
    "instructor_places",
    "assistant_places",
    "status",
    "notes",
)


def session_create(*, by, **values) -> ClassSession:
    """One session on its own (outside a series)."""
    with transaction.atomic():
        bump(PUBLIC_CLASSES_CACHE, ANALYSIS_CACHE)  # pages that show this (core.pagecache)
        session = ClassSession.objects.create(
            **{k: values[k] for k in values if k in SESSION_FIELDS}
        )
        audit_record(actor=by, action="outreach.session.created", target=session)
    return session


def _snapshot(session: ClassSession) -> dict:
    """The fields the audit entry compares; times as people read them (Asia/Tokyo)."""
    values = {key: getattr(session, key) for key in SESSION_FIELDS}
    for key in ("starts_at", "ends_at"):
        values[key] = f"{timezone.localtime(values[key]):%Y-%m-%d %H:%M}"
    return values


# What residents and volunteers are told about when it changes: the date, the times, the place.
WHEN_AND_WHERE = ("starts_at", "ends_at", "venue", "room")
# A class whose people still expect it (a held or cancelled one has nobody left to tell).
STILL_AHEAD = (ClassSession.Status.PLANNED, ClassSession.Status.OPEN, ClassSession.Status.FULL)


def session_update(*, session: ClassSession, by, **values) -> ClassSession:
    """Edit one session (also one of a series). Capacity cannot drop below the
    confirmed places; a larger capacity moves people up from the waiting list (each
    is told), and more places for volunteers move waiting volunteers up. A new date,
    time or venue of a class still ahead is told to every applicant and volunteer,
    each change again. Cancelling has its own service (``session_cancel``)."""
    now = timezone.now()
    with transaction.atomic():
        locked = ClassSession.objects.select_for_update().get(pk=session.pk)
        before = _snapshot(locked)
        where_before = {key: getattr(locked, key) for key in WHEN_AND_WHERE}
        if (
            values.get("status") == ClassSession.Status.CANCELLED
            and locked.status != ClassSession.Status.CANCELLED
        ):
            # Cancelling releases volunteers and tells everyone: only session_cancel does it.
            raise Refusal(_("Use “Cancel session” to cancel a class."), field="status")
        new_capacity = values.get("capacity", locked.capacity)
        if new_capacity < locked.confirmed_count:
            raise Refusal(
                _("%(n)s people already have a confirmed place; cancel some first.")
                % {"n": locked.confirmed_count},
                field="capacity",
            )
        new_status = values.get("status", locked.status)
        if (
            locked.status == ClassSession.Status.HELD
            and new_status != ClassSession.Status.HELD
            and locked.attendances.exists()
        ):
            # Attendance is counted for held sessions only; changing the status would
            # silently drop it from the KPI.
            raise Refusal(_("This session has attendance recorded; it stays held."), field="status")
        for key, value in values.items():
            if key in SESSION_FIELDS:
                setattr(locked, key, value)
        moved = locked.status in STILL_AHEAD and locked.starts_at > now
        moved = moved and any(getattr(locked, key) != where_before[key] for key in WHEN_AND_WHERE)
        if moved:
            if (
                where_before["starts_at"] != locked.starts_at
                and locked.moved_from_starts_at is None
            ):
                locked.moved_from_starts_at = where_before["starts_at"]
            if where_before["venue"] != locked.venue and locked.moved_from_venue_id is None:
                locked.moved_from_venue = where_before["venue"]
            locked.moved_at = now
        locked.save()
        _promote_waitlisted(locked, by=by)
        _refresh_full_status(locked)
        if moved:
            # After the promotions: whoever just got a place hears the new date as theirs.
            tell_session_moved(locked, where_before)
        if any(
            getattr(locked, key) > before[key] for key in ("instructor_places", "assistant_places")
        ):
            signups_fill_places(session=locked)
        changes = field_changes(before, _snapshot(locked))
        if changes:
            audit_record(
                actor=by, action="outreach.session.changed", target=locked, changes=changes
            )
        # One bump, last, keys in the order of every other write (no two wait for each other).
        bump(KPI_CACHE, PUBLIC_CLASSES_CACHE, ANALYSIS_CACHE)  # pages that show this
    return locked


def session_cancel(*, session: ClassSession, by, reason: str = "") -> ClassSession:
    """Cancel one session: every applicant (confirmed or waiting) is told, e-mail or a call
    on 総務課's list; every volunteer's sign-up is released and they are told. Applications
    stay as they are (the history of who had a place); the public page shows the notice."""
    now = timezone.now()
    with transaction.atomic():
        locked = ClassSession.objects.select_for_update().get(pk=session.pk)
        bump(PUBLIC_CLASSES_CACHE, ANALYSIS_CACHE)  # pages that show this (core.pagecache)
        if locked.status == ClassSession.Status.HELD:
            raise Refusal(_("A session that was held cannot be cancelled."))
        if locked.status == ClassSession.Status.CANCELLED:
            raise Refusal(_("This session is already cancelled."))
        before = locked.status
        locked.status = ClassSession.Status.CANCELLED
        locked.cancelled_at = now
        locked.cancel_reason = reason.strip()
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        audit_record(
            actor=by,
            action="outreach.session.cancelled",
            target=locked,
            changes={"status": [before, locked.status]},
            note=reason,
        )
        released = signups_release(session=locked, now=now)
        tell_session_cancelled(locked, released)
    return locked
