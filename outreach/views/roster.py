"""The 受付名簿 (the printed list at the reception table) and the export of a class's
applicants for 総務課. Both hold personal data: 総務課 only, and every print or export
writes an audit entry."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exports import FORMATS, export_response
from core.roles import Role, role_required
from outreach.models import Application

from ._access import get_session_for_staff

# Blank lines at the end of the list for people who come without applying.
WALK_IN_LINES = 6


@role_required(Role.DX_STAFF)
def session_roster(request, pk: int):
    """The A4 受付名簿: who has a place (by ふりがな), the waiting list, lines for walk-ins."""
    session = get_session_for_staff(request, pk)
    applications = list(
        session.applications.filter(
            status__in=[Application.Status.CONFIRMED, Application.Status.WAITLISTED]
        ).order_by("name_kana", "name", "id")
    )
    audit_record(
        actor=request.user,
        action="outreach.roster.printed",
        target=session,
        changes={"people": len(applications)},
    )
    return render(
        request,
        "outreach/session_roster.html",
        {
            "session": session,
            "confirmed": [a for a in applications if a.status == Application.Status.CONFIRMED],
            "waitlisted": [a for a in applications if a.status == Application.Status.WAITLISTED],
            "walk_in_lines": range(WALK_IN_LINES),
            "printed_at": timezone.now(),
        },
    )


def _applicant_rows(session):
    applications = session.applications.order_by("status", "created_at", "id")
    for a in applications:
        yield [
            a.reference,
            a.get_status_display(),
            a.name,
            a.name_kana,
            a.phone,
            a.email,
            a.get_age_band_display(),
            a.get_phone_type_display(),
            a.get_channel_display(),
            a.created_at,
            a.promoted_at,
            a.cancelled_at,
            a.get_language_display(),
            a.wants_to_learn,
        ]


@role_required(Role.DX_STAFF)
def applicants_export(request, pk: int, export_format: str):
    """A class's applicants as CSV (with a BOM, for Excel) or XLSX; audited."""
    session = get_session_for_staff(request, pk)
    if export_format not in FORMATS:
        raise Http404
    header = [
        _("Reference number"),
        _("Status"),
        _("Name"),
        _("Furigana"),
        _("Phone number"),
        _("E-mail address"),
        _("Age"),
        _("Phone used"),
        _("Received by"),
        _("Applied"),
        _("Moved from the waiting list"),
        _("Cancelled"),
        _("Language for messages"),
        _("Wants to learn"),
    ]
    rows = list(_applicant_rows(session))
    audit_record(
        actor=request.user,
        action="outreach.applicants.exported",
        target=session,
        changes={"rows": len(rows), "format": export_format},
    )
    local = timezone.localtime(session.starts_at)
    return export_response(
        f"applicants-{local:%Y%m%d}-{session.pk}",
        export_format,
        header,
        rows,
        title=_("Applicants"),
        landscape=True,
    )
