"""City staff and their sections, as the personnel list (人事名簿) has them.

The policy asks 「すべての職員等に対してセキュリティ研修を実施する」: to say who has not
been trained, attendance of the security training is recorded per person
(``Attendance.staff_member``). The list is imported by CSV from the personnel
list; nothing here is typed in by hand except through that import.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Section", "StaffMember"]


class Section(models.Model):
    """A section (課・室) of the city as the personnel list names it."""

    name = models.CharField(_("staff section"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("staff section")
        verbose_name_plural = _("staff sections")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    """One member of city staff (職員等, including fixed-term staff) on the personnel list.

    Leaving staff are kept inactive, never deleted: their attendance stays counted.
    """

    employee_number = models.CharField(_("employee number"), max_length=20, unique=True)
    name = models.CharField(_("name (氏名)"), max_length=100)
    name_kana = models.CharField(_("name in kana"), max_length=100, blank=True)
    section = models.ForeignKey(
        Section, verbose_name=_("staff section"), on_delete=models.PROTECT, related_name="staff"
    )
    is_active = models.BooleanField(
        _("on the personnel list"),
        default=True,
        help_text=_("Staff missing from the latest personnel list are kept, inactive."),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["section__sort_order", "section__name", "name_kana", "employee_number"]

    def __str__(self) -> str:
        return f"{self.name} ({self.section})"
