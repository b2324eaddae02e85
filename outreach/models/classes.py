"""Courses, class sessions, applications and attendance.

Counting rules (the KPIs depend on them):
- 延べ (attendances) = ``Attendance`` rows with status attended, walk-ins included.
- 実人数 (people) = distinct ``person_key`` among those rows, plus one per row
  without a key (an anonymous walk-in cannot be matched, so counts as one person).
- A session belongs to the fiscal year of its start in Asia/Tokyo.
"""

import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from volunteers.models import Skill

__all__ = [
    "AgeBand",
    "Application",
    "Attendance",
    "ClassSession",
    "Course",
    "CourseSkill",
    "PhoneType",
    "Series",
    "normalise_phone",
    "person_key_for",
]


class AgeBand(models.TextChoices):
    # Bands, not birth dates: enough for the analysis, less personal data.
    UNDER_60 = "under_60", _("Under 60")
    AGE_60S = "60s", _("60–69")
    AGE_70S = "70s", _("70–79")
    AGE_80S = "80s", _("80–89")
    AGE_90_PLUS = "90_plus", _("90 or older")
    UNKNOWN = "unknown", _("Not given")


class PhoneType(models.TextChoices):
    IPHONE = "iphone", _("iPhone")
    ANDROID = "android", _("Android")
    RAKURAKU = "rakuraku", _("Raku-Raku phone (らくらくホン)")
    NONE = "none", _("No smartphone (the city lends a tablet)")


def normalise_phone(phone: str) -> str:
    """Digits only: 0475-23-2111, ０４７５２３２１１１ and (0475) 23 2111 are the same number."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))


def _normalise_name(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def person_key_for(name: str, phone: str) -> str:
    """A keyed hash of name + phone: matches the same person across sessions (実人数)
    without storing a lookup-able value. Empty when either part is missing."""
    name_n, phone_n = _normalise_name(name), normalise_phone(phone)
    if not name_n or not phone_n:
        return ""
    message = f"{name_n}|{phone_n}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]


class Course(models.Model):
    """What is taught: a theme of the national curriculum, a city course or a staff course."""

    class Category(models.TextChoices):
        BASIC = "basic", _("Basic course (基本講座)")
        ADVANCED = "advanced", _("Advanced course (応用講座)")
        CITY = "city", _("City course")
        SECURITY_TRAINING = "security_training", _("Staff information security training")

    class Audience(models.TextChoices):
        RESIDENTS = "residents", _("Residents")
        STAFF = "staff", _("City staff")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (katakana)"), max_length=150, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.RESIDENTS
    )
    typical_minutes = models.PositiveSmallIntegerField(_("typical length (minutes)"), default=120)
    what_to_bring = models.CharField(_("what to bring"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(typical_minutes__gt=0), name="outreach_course_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def skill_codes(self) -> list[str]:
        return sorted(s.skill for s in self.skills.all())


class CourseSkill(models.Model):
    """A skill a 講師 of the course needs; volunteers declare the same skills
    (``volunteers.models.Skill``), so classes are matched to volunteers by these rows."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.CharField(_("skill"), max_length=30, choices=Skill.choices)

    class Meta:
        verbose_name = _("skill the course needs")
        verbose_name_plural = _("skills the course needs")
        ordering = ["course", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["course", "skill"], name="outreach_courseskill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.skill}"


class Series(models.Model):
    """A run of sessions made from one recurrence rule (RFC 5545 RRULE text)."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="series"
    )
    title = models.CharField(_("title"), max_length=150)
    venue = models.ForeignKey(
        "core.Facility", verbose_name=_("venue"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.TextField(
        _("recurrence rule"), help_text=_("RRULE text, for example FREQ=MONTHLY;BYDAY=+2TU")
    )
    first_date = models.DateField(_("first day"))
    last_date = models.DateField(_("last day"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    skipped_days = models.JSONField(
        _("skipped days"), default=list, blank=True, help_text=_("Closed days the rule fell on.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["-first_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_date__gte=F("first_date")), name="outreach_series_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="outreach_series_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ClassSessionQuerySet(models.QuerySet):
    def for_residents(self):
        return self.filter(course__audience=Course.Audience.RESIDENTS)

    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now())

    def open_to_public(self):
        """Sessions residents may see: resident courses, not merely planned, not cancelled."""
        return self.for_residents().filter(
            status__in=[ClassSession.Status.OPEN, ClassSession.Status.FULL]
        )


class ClassSession(models.Model):
    """One class on one day at one venue (the national reporting unit)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for applications")
        FULL = "full", _("Full")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    title = models.CharField(_("title"), max_length=150)
    venue = models.ForeignKey(
        "core.Facility", verbose_name=_("venue"), on_delete=models.PROTECT, related_name="+"
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), default=10)
    instructor_places = models.PositiveSmallIntegerField(
        _("places for instructors (講師)"), default=1
    )
    assistant_places = models.PositiveSmallIntegerField(_("places for assistants"), default=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    # Maintained only by the application services under a row lock; the check
    # constraint below makes overbooking impossible even for a buggy caller.
    confirmed_count = models.PositiveIntegerField(
        _("confirmed applications"), default=0, editable=False
    )
    notes = models.TextField(_("notes"), blank=True)
    # What residents read on the class's page once it is cancelled or has moved.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for the cancellation"), max_length=500, blank=True)
    moved_at = models.DateTimeField(
        _("date, time or venue changed"),
        null=True,
        blank=True,
        help_text=_("The last change the applicants were told about."),
    )
    moved_from_starts_at = models.DateTimeField(_("previous start"), null=True, blank=True)
    moved_from_venue = models.ForeignKey(
        "core.Facility",
        verbose_name=_("previous venue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ClassSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")
        ordering = ["starts_at", "id"]
        # The KPI sources and the analysis read held sessions of one fiscal year.
        indexes = [
            models.Index(fields=["status", "starts_at"], name="outreach_session_status_start"),
            # The session list's default order (also the range scans by date).
            models.Index(fields=["starts_at", "id"], name="outreach_session_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=0), name="outreach_classsession_capacity_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_count__gte=0) & Q(confirmed_count__lte=F("capacity")),
                name="outreach_classsession_confirmed_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(instructor_places__gte=0) & Q(assistant_places__gte=0),
                name="outreach_classsession_places_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="outreach_classsession_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%Y-%m-%d %H:%M} {self.title}"

    @property
    def local_date(self):
        return timezone.localtime(self.starts_at).date()

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_moved_date(self) -> bool:
        """The start changed after people were told the first one (shown on the public page)."""
        return self.moved_from_starts_at is not None and self.moved_from_starts_at != self.starts_at

    @property
    def has_moved_venue(self) -> bool:
        return self.moved_from_venue_id is not None and self.moved_from_venue_id != self.venue_id


class Application(models.Model):
    """A request for a place, taken by phone, at the counter or online."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        PHONE = "phone", pgettext_lazy("application channel", "Phone")
        COUNTER = "counter", pgettext_lazy("application channel", "Counter")
        ONLINE = "online", pgettext_lazy("application channel", "Online")

    session = models.ForeignKey(
        ClassSession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    reference = models.CharField(_("reference number"), max_length=12, unique=True)
    name = models.CharField(_("name (氏名)"), max_length=100)
    name_kana = models.CharField(_("name in kana (ふりがな)"), max_length=100, blank=True)
    phone = models.CharField(_("phone number"), max_length=20)
    email = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_(
            "Optional. We send reminders and changes of the class by e-mail; "
            "without an address we call you."
        ),
    )
    # The language the resident used to apply: the one our messages to them are in.
    language = models.CharField(
        _("language for messages"), max_length=10, choices=settings.LANGUAGES, default="ja"
    )
    age_band = models.CharField(
        _("age"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    phone_type = models.CharField(_("the phone you use"), max_length=10, choices=PhoneType.choices)
    wants_to_learn = models.TextField(_("what you want to learn"), blank=True)
    # Keyed hash of name + phone: duplicate detection and 実人数; survives anonymisation
    # as a random token (see services.privacy).
    person_key = models.CharField(max_length=48, blank=True, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(_("applied"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved from the waiting list"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person_key"],
                condition=~Q(status="cancelled") & ~Q(person_key=""),
                name="outreach_application_one_active_per_person",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def needs_tablet(self) -> bool:
        return self.phone_type == PhoneType.NONE


class Attendance(models.Model):
    """Whether someone came; a walk-in has no application (details optional)."""

    class Status(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(
        ClassSession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    is_walk_in = models.BooleanField(_("walk-in"), default=False)
    # Walk-in details (optional); for applicants these stay empty: the application has them.
    name = models.CharField(_("name (氏名)"), max_length=100, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    age_band = models.CharField(
        _("age"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    person_key = models.CharField(max_length=48, blank=True, db_index=True, editable=False)
    # A member of city staff at a staff course (security training is tracked per person);
    # empty for residents and for staff walk-ins nobody identified (still counted).
    staff_member = models.ForeignKey(
        "outreach.StaffMember",
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    # The short survey at the end of the class.
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    has_someone_to_ask = models.BooleanField(
        _("has someone to ask when stuck"), null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    wants_follow_up = models.BooleanField(_("wants a follow-up"), default=False)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(application__isnull=False),
                name="outreach_attendance_one_per_application",
            ),
            models.UniqueConstraint(
                fields=["session", "staff_member"],
                condition=Q(staff_member__isnull=False),
                name="outreach_attendance_one_per_staff_member",
                violation_error_message=_("This member of staff is already on the list."),
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="outreach_attendance_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(is_walk_in=True, application__isnull=True)
                | Q(is_walk_in=False, application__isnull=False),
                name="outreach_attendance_walk_in_xor_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.pk}"
