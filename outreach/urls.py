"""Routes of the outreach app (full paths: this module is mounted at the site root)."""

from django.urls import path

from outreach import signup_urls
from outreach.views import analysis, attendance, opendata, public, staff

app_name = "outreach"

urlpatterns: list = [
    # 総務課 staff
    path("outreach/classes/", staff.session_list, name="session_list"),
    path("outreach/classes/new/", staff.session_create, name="session_create"),
    path("outreach/classes/series/new/", staff.series_create, name="series_create"),
    path("outreach/classes/<int:pk>/", staff.session_detail, name="session_detail"),
    path("outreach/classes/<int:pk>/edit/", staff.session_edit, name="session_edit"),
    path("outreach/classes/<int:pk>/cancel/", staff.session_cancel, name="session_cancel"),
    path("outreach/classes/<int:pk>/apply/", staff.staff_apply, name="staff_apply"),
    path(
        "outreach/classes/<int:pk>/attendance/",
        attendance.attendance_sheet,
        name="attendance_sheet",
    ),
    path(
        "outreach/applications/<int:pk>/cancel/",
        staff.application_cancel,
        name="application_cancel",
    ),
    path("outreach/analysis/", analysis.analysis, name="analysis"),
    path("outreach/privacy/", analysis.privacy_register, name="privacy_register"),
    # Residents (no sign-in)
    path("classes/", public.public_classes, name="public_classes"),
    path("classes/<int:pk>/", public.public_session, name="public_session"),
    path("classes/cancel/", public.public_cancel, name="public_cancel"),
    path("classes/flyer/", public.public_flyer, name="public_flyer"),
    path("opendata/events.csv", opendata.events_csv, name="opendata_events"),
    *signup_urls.urlpatterns,
]
