"""デジタル活用支援員: profiles, skills, training records, デジタル推進委員 appointments, staff notes.

Sign-ups for classes, the volunteer's my page and calendar feed live in ``outreach``
(beside the classes); this app never imports or links to outreach.
"""

from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fiscal import fiscal_year_end


class Affiliation(models.TextChoices):
    PHONE_SHOP = "phone_shop", _("Mobile phone shop")
    MANUFACTURER_OB = "manufacturer_ob", _("Retired manufacturer engineer")
    SILVER_CENTRE = "silver_centre", _("Silver Human Resources Centre")
    CITIZEN = "citizen", _("Citizen")
    CITY_STAFF = "city_staff", _("City staff")
    OTHER = "other", _("Other")


class Skill(models.TextChoices):
    IPHONE = "iphone", _("iPhone")
    ANDROID = "android", _("Android")
    MYNUMBER_CARD = "mynumber_card", _("My Number Card")
    MYNAPORTAL = "mynaportal", _("Mynaportal")
    LINE = "line", _("LINE")
    CASHLESS = "cashless", _("Cashless payment")
    ONLINE_APPLICATION = "online_application", _("Online applications to the city")
    E_TAX = "e_tax", _("e-Tax")
    MAPS = "maps", _("Map apps")
    ONLINE_MEDICAL = "online_medical", _("Online booking at clinics")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


kana_validator = RegexValidator(
    r"^[ぁ-ゖー\s　・]+$", _("Please write the reading in hiragana (for example もばら たろう).")
)


class VolunteerProfile(models.Model):
    """One デジタル活用支援員 (or an applicant): who they are, what they can teach, their status."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        LEFT = "left", _("Left")

    # Approved volunteers may sign up at once; "active" is set by 総務課 once
    # they have started helping. Paused and left volunteers may not sign up.
    SIGN_UP_STATUSES = (Status.APPROVED, Status.ACTIVE)
    # Which status changes 総務課 may make (approval has its own service).
    TRANSITIONS = {
        Status.APPLIED: {Status.LEFT},
        Status.APPROVED: {Status.ACTIVE, Status.PAUSED, Status.LEFT},
        Status.ACTIVE: {Status.PAUSED, Status.LEFT},
        Status.PAUSED: {Status.ACTIVE, Status.LEFT},
        Status.LEFT: set(),
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="volunteer_profile",
    )
    full_name = models.CharField(_("full name"), max_length=100)
    full_name_kana = models.CharField(
        _("reading of the name (hiragana)"), max_length=150, validators=[kana_validator]
    )
    phone = models.CharField(
        _("contact phone"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9０-９\-‐ー()（） ]*$", _("Please enter digits and hyphens only."))
        ],
        help_text=_("Optional. We call only about classes you signed up for."),
    )
    # The language they joined in (and may change): the one our messages to them are in.
    language = models.CharField(
        _("language of our messages"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="ja",
    )
    affiliation = models.CharField(_("affiliation"), max_length=20, choices=Affiliation.choices)
    affiliation_detail = models.CharField(
        _("affiliation details"),
        max_length=100,
        blank=True,
        help_text=_("For example the name of the shop or company (optional)."),
    )
    available_weekdays = models.JSONField(_("usual days"), default=list, blank=True)
    available_mornings = models.BooleanField(_("mornings"), default=False)
    available_afternoons = models.BooleanField(_("afternoons"), default=False)
    privacy_consented_at = models.DateTimeField(_("consented to the privacy notice at"))
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("applied at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["full_name_kana", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["applied", "approved", "active", "paused", "left"]),
                name="volunteers_volunteerprofile_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="applied") | Q(approved_at__isnull=False),
                name="volunteers_volunteerprofile_approved_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(privacy_notice_version=""),
                name="volunteers_volunteerprofile_consent_version",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def display_name(self) -> str:
        """What fellow volunteers see: the name only, never contact details."""
        return self.full_name

    @property
    def may_sign_up(self) -> bool:
        return self.status in self.SIGN_UP_STATUSES

    def skill_codes(self) -> list[str]:
        return [s.skill for s in self.skills.all()]

    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels.get(code, code)) for code in sorted(self.skill_codes())]

    def weekday_labels(self) -> list[str]:
        labels = dict(Weekday.choices)
        return [str(labels[d]) for d in sorted(self.available_weekdays) if d in labels]

    def is_trained(self, on: date | None = None) -> bool:
        """Has completed the 講師 training on or before ``on`` (default today)."""
        on = on or timezone.localdate()
        return any(r.completed_on <= on for r in self.training_records.all())


class VolunteerSkill(models.Model):
    """One skill a volunteer can teach (a row per skill so lists can filter by it)."""

    profile = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="skills")
    skill = models.CharField(_("skill"), max_length=30, choices=Skill.choices)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill"], name="volunteers_volunteerskill_once"
            ),
        ]

    def __str__(self) -> str:
        return self.get_skill_display()


class TrainingRecord(models.Model):
    """A completed training course: the 講師 gate (デジタル活用支援員研修 etc.)."""

    profile = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="training_records",
    )
    course = models.CharField(
        _("course"),
        max_length=150,
        help_text=_("For example デジタル活用支援員研修（総務省）"),
    )
    completed_on = models.DateField(_("completed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.course} ({self.completed_on:%Y-%m-%d})"


class Appointment(models.Model):
    """A デジタル推進委員 appointment: one fiscal year, renewed yearly."""

    profile = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    appointed_on = models.DateField(_("appointed on"))
    reminder_sent_at = models.DateTimeField(_("renewal reminder sent at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("デジタル推進委員 appointment")
        verbose_name_plural = _("デジタル推進委員 appointments")
        ordering = ["-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "fiscal_year"], name="volunteers_appointment_once_per_year"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2019), name="volunteers_appointment_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} FY{self.fiscal_year}"

    @property
    def lapses_on(self) -> date:
        return fiscal_year_end(self.fiscal_year)


class StaffNote(models.Model):
    """A note by 総務課 about a volunteer; never shown to the volunteer."""

    profile = models.ForeignKey(
        VolunteerProfile, on_delete=models.PROTECT, related_name="staff_notes"
    )
    text = models.TextField(_("note"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff note")
        verbose_name_plural = _("staff notes")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.profile}: {self.text[:30]}"
