"""Routes of the outreach app (full paths: this module is mounted at the site root).

Classes live under /outreach/ (総務課) and /classes/ (residents); volunteers' sign-ups
and their my page under /volunteering/.
"""

from django.urls import path

from outreach.views import (
    analysis,
    attendance,
    courses,
    mypage,
    opendata,
    public,
    roster,
    signups,
    staff,
    training,
)

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
    path("outreach/classes/<int:pk>/roster/", roster.session_roster, name="session_roster"),
    path(
        "outreach/classes/<int:pk>/applicants.<str:export_format>",
        roster.applicants_export,
        name="applicants_export",
    ),
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
    path("outreach/courses/", courses.course_list, name="course_list"),
    path("outreach/courses/new/", courses.course_edit, name="course_new"),
    path("outreach/courses/<int:pk>/", courses.course_edit, name="course_edit"),
    path("outreach/analysis/", analysis.analysis, name="analysis"),
    # 総務課: city staff and security training per person
    path("outreach/staff/", training.staff_list, name="staff_list"),
    path("outreach/staff/import/", training.staff_import, name="staff_import"),
    path(
        "outreach/staff/import/template.csv", training.staff_import_template, name="staff_template"
    ),
    path("outreach/staff/untrained/", training.untrained_staff, name="untrained_staff"),
    path(
        "outreach/classes/<int:pk>/staff-attendance/",
        training.staff_attendance,
        name="staff_attendance",
    ),
    path("outreach/privacy/", analysis.privacy_register, name="privacy_register"),
    # Residents (no sign-in)
    path("classes/", public.public_classes, name="public_classes"),
    path("classes/<int:pk>/", public.public_session, name="public_session"),
    path("classes/applied/<str:token>/", public.public_applied, name="public_applied"),
    path("classes/cancel/", public.public_cancel, name="public_cancel"),
    path("classes/cancelled/<str:token>/", public.public_cancelled, name="public_cancelled"),
    path("classes/flyer/", public.public_flyer, name="public_flyer"),
    path("opendata/events.csv", opendata.events_csv, name="opendata_events"),
    # Volunteers: classes needing help, signing up, their my page and calendar feed
    path("volunteering/classes/", signups.class_list, name="signup_class_list"),
    path("volunteering/classes/<int:pk>/", signups.class_detail, name="signup_class_detail"),
    path("volunteering/classes/<int:pk>/signup/", signups.signup_create, name="signup_create"),
    path("volunteering/signups/<int:pk>/cancel/", signups.signup_cancel, name="signup_cancel"),
    path("volunteering/mypage/", mypage.mypage, name="volunteer_mypage"),
    path("volunteering/calendar/reset/", mypage.calendar_reset, name="signup_calendar_reset"),
    # Subscribed in phones' calendars: the path must never change.
    path(
        "volunteering/calendar/<str:token>.ics",
        mypage.calendar_feed,
        name="signup_calendar_feed",
    ),
    path(
        "volunteering/record/<fy:fiscal_year>/",
        mypage.activity_record,
        name="volunteer_activity_record",
    ),
    # 総務課: staffing of the classes
    path("volunteering/staff/staffing/", signups.staffing_list, name="staffing_list"),
    path("volunteering/staff/staffing/<int:pk>/", signups.staffing_detail, name="staffing_detail"),
    path(
        "volunteering/staff/staffing/<int:pk>/attendance/",
        signups.signup_attendance,
        name="signup_attendance",
    ),
    path(
        "volunteering/staff/volunteers/<int:pk>/",
        signups.volunteer_history,
        name="volunteer_history",
    ),
    path("volunteering/staff/hours/", signups.volunteer_hours, name="volunteer_hours"),
]
