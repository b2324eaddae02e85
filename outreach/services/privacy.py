"""Retention of participants' personal data.

Records of a session are kept until the end of the fiscal year
``participant_retention_fiscal_years`` after the session's fiscal year, then
anonymised: names, kana, phone numbers, e-mail addresses, wishes and free comments are
cleared, and so are the messages to these people in the outbox.
Every count stays the same: the rows stay, and each person key is replaced by a
random token shared by all rows of that person in the batch (a batch is whole
fiscal years, so 実人数 per fiscal year is kept too).
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import SCHEDULED_JOB, audit_record
from core.figures import KPI_CACHE
from core.fiscal import current_fiscal_year, fiscal_year_bounds
from core.pagecache import bump
from core.services import messages_anonymise
from outreach.models import Application, Attendance, ClassSession


def retention_years() -> int:
    return int(settings.TSUNAGU.get("privacy", {}).get("participant_retention_fiscal_years", 1))


def retention_cutoff_fiscal_year(today_fiscal_year: int | None = None) -> int:
    """Sessions of this fiscal year and earlier are past their retention period."""
    today_fy = today_fiscal_year if today_fiscal_year is not None else current_fiscal_year()
    return today_fy - retention_years() - 1


@dataclass
class AnonymiseReport:
    up_to_fiscal_year: int
    sessions: int = 0
    applications: int = 0
    attendances: int = 0


def participants_anonymise(
    *, dry_run: bool = False, today_fiscal_year: int | None = None, by=None
) -> AnonymiseReport:
    """Anonymise participants of sessions past retention; ``dry_run`` only counts."""
    cutoff = retention_cutoff_fiscal_year(today_fiscal_year)
    _, end = fiscal_year_bounds(cutoff)
    sessions = ClassSession.objects.filter(starts_at__lt=end)
    applications = Application.objects.filter(session__in=sessions, anonymised_at__isnull=True)
    walk_ins = Attendance.objects.filter(
        session__in=sessions, anonymised_at__isnull=True, is_walk_in=True
    )
    attendances = Attendance.objects.filter(session__in=sessions, anonymised_at__isnull=True)
    session_ids = set(applications.values_list("session_id", flat=True)) | set(
        attendances.values_list("session_id", flat=True)
    )
    report = AnonymiseReport(
        up_to_fiscal_year=cutoff,
        sessions=len(session_ids),
        applications=applications.count(),
        attendances=attendances.count(),
    )
    if dry_run or not (report.applications or report.attendances):
        return report
    now = timezone.now()
    with transaction.atomic():
        keys = set(applications.exclude(person_key="").values_list("person_key", flat=True))
        keys |= set(attendances.exclude(person_key="").values_list("person_key", flat=True))
        tokens = {key: "anon-" + secrets.token_hex(16) for key in keys}
        for key, token in tokens.items():
            applications.filter(person_key=key).update(person_key=token)
            attendances.filter(person_key=key).update(person_key=token)
        # Messages to these people (reminders, waiting-list moves, cancellations) hold
        # the same names and numbers: they go too.
        messages_anonymise(
            about=[
                *applications.only("pk"),
                *ClassSession.objects.filter(pk__in=session_ids).only("pk"),
            ]
        )
        applications.update(
            name="", name_kana="", phone="", email="", wants_to_learn="", anonymised_at=now
        )
        walk_ins.update(name="", phone="")
        attendances.update(comment="", anonymised_at=now)
        audit_record(
            actor=by,
            actor_label="" if by else SCHEDULED_JOB,
            action="outreach.participants.anonymised",
            target=ClassSession.objects.filter(pk__in=session_ids).order_by("-starts_at").first(),
            changes={
                "up_to_fiscal_year": cutoff,
                "applications": report.applications,
                "attendances": report.attendances,
            },
        )
        bump(KPI_CACHE)  # the KPI sheet counts this (core.pagecache)
    return report
