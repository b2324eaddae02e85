"""Volunteer sign-ups for class sessions (デジタル活用支援員 as 講師 or 補助), and each
volunteer's private calendar feed of them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .classes import ClassSession

__all__ = ["CalendarFeed", "VolunteerSignup", "new_calendar_token"]


class VolunteerSignup(models.Model):
    """One volunteer's place (or waiting-list entry) at one class session.

    One row per volunteer and session, for ever: cancelling and signing up again
    reuses the row, so the database can enforce "one sign-up per class".
    """

    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", _("Instructor (講師)")
        ASSISTANT = "assistant", _("Assistant (補助)")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(
        ClassSession,
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="volunteer_signups",
    )
    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="class_signups",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    # Waiting-list order: first come, first promoted.
    signed_up_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Set when the class itself was cancelled: the volunteer did not cancel, the city did.
    released_at = models.DateTimeField(
        _("released because the class was cancelled"), null=True, blank=True
    )
    # None until 総務課 confirms after the class whether the volunteer came.
    attended = models.BooleanField(_("came"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2, null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminder_sent_for = models.DateTimeField(
        _("reminder sent for the start"),
        null=True,
        blank=True,
        help_text=_("The class start the day-before reminder was sent for."),
    )

    class Meta:
        verbose_name = _("volunteer sign-up")
        verbose_name_plural = _("volunteer sign-ups")
        ordering = ["signed_up_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"], name="outreach_volunteersignup_one_per_class"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["instructor", "assistant"]),
                name="outreach_volunteersignup_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waitlisted", "cancelled"]),
                name="outreach_volunteersignup_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(status="confirmed"),
                name="outreach_volunteersignup_attendance_only_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | (Q(hours__gte=0) & Q(hours__lte=24)),
                name="outreach_volunteersignup_hours_in_day",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "role", "status"], name="outreach_signup_role_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.session} / {self.volunteer} ({self.get_role_display()})"


def new_calendar_token() -> str:
    """A secret for the private calendar feed URL: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A volunteer's private iCalendar feed of their classes, opened by a secret address.

    Calendar apps cannot sign in, so the secret is the key; renewing it makes the old
    address stop working at once. Made on first use (the my page shows the address).
    """

    volunteer = models.OneToOneField(
        "volunteers.VolunteerProfile",
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(
        _("calendar feed secret"), max_length=64, unique=True, default=new_calendar_token
    )

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.volunteer)
