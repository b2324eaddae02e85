"""The staff list, from the personnel list (人事名簿) as a CSV file.

The file is the whole list as of its date: staff in it are added or updated
(their section too), staff missing from it are kept but marked inactive, so their
past attendance stays counted and they leave the list of who still needs training.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record, field_changes
from outreach.models import Section, StaffMember

STAFF_FIELDS = ("name", "name_kana", "section", "is_active")


@dataclass(frozen=True)
class StaffRow:
    employee_number: str
    name: str
    name_kana: str
    section: str


def _snapshot(member: StaffMember) -> dict:
    return {
        "name": member.name,
        "name_kana": member.name_kana,
        "section": member.section.name if member.section_id else "",
        "is_active": member.is_active,
    }


def staff_list_import(rows: list[StaffRow], by) -> int:
    """Bring the staff list in line with the personnel list; returns how many changed."""
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        sections = {s.name: s for s in Section.objects.select_for_update()}
        existing = {
            m.employee_number: m
            for m in StaffMember.objects.select_for_update().select_related("section")
        }
        for row in rows:
            section = sections.get(row.section)
            if section is None:
                section = sections[row.section] = Section.objects.create(
                    name=row.section, sort_order=len(sections)
                )
            member = existing.get(row.employee_number)
            before = _snapshot(member) if member else {}
            if member is None:
                member = StaffMember(employee_number=row.employee_number)
            member.name, member.name_kana = row.name, row.name_kana
            member.section, member.is_active = section, True
            diff = field_changes(before, _snapshot(member))
            if diff:
                member.updated_at = now
                member.save()
                audit_record(
                    actor=by, action="outreach.staff_member.imported", target=member, changes=diff
                )
                changed += 1
        listed = {row.employee_number for row in rows}
        for number, member in existing.items():
            if number not in listed and member.is_active:
                StaffMember.objects.filter(pk=member.pk).update(is_active=False, updated_at=now)
                audit_record(
                    actor=by,
                    action="outreach.staff_member.deactivated",
                    target=member,
                    changes={"is_active": [True, False]},
                )
                changed += 1
    return changed
