"""Courses (the master data of the classes): what is taught and the skills a 講師 needs."""

from collections.abc import Iterable

from django.db import transaction

from core.audit import audit_record, field_changes
from core.figures import KPI_CACHE
from core.pagecache import bump
from core.refusals import clean_or_refuse
from outreach.models import Course, CourseSkill
from outreach.selectors.classes import ANALYSIS_CACHE, PUBLIC_CLASSES_CACHE

COURSE_FIELDS = [
    "code",
    "name",
    "name_kana",
    "category",
    "audience",
    "typical_minutes",
    "what_to_bring",
    "description",
    "is_active",
    "sort_order",
]


def course_snapshot(course: Course) -> dict:
    values = {name: getattr(course, name) for name in COURSE_FIELDS}
    values["skills"] = ", ".join(course.skill_codes()) if course.pk else ""
    return values


def course_save(*, course: Course, skills: Iterable[str], by, before: dict | None = None) -> Course:
    """Create or change a course and the skills it needs, with its audit entry."""
    wanted = sorted(set(skills))
    with transaction.atomic():
        created = course.pk is None
        clean_or_refuse(course)
        course.save()
        course.skills.exclude(skill__in=wanted).delete()
        have = set(course.skills.values_list("skill", flat=True))
        CourseSkill.objects.bulk_create(
            [CourseSkill(course=course, skill=skill) for skill in wanted if skill not in have]
        )
        after = course_snapshot(course)
        audit_record(
            actor=by,
            action="outreach.course.created" if created else "outreach.course.changed",
            target=course,
            changes=field_changes(before or {}, after),
        )
        # One bump, last, keys in the order of every other write (no two wait for each other).
        bump(KPI_CACHE, PUBLIC_CLASSES_CACHE, ANALYSIS_CACHE)  # pages that show this
    return course
