from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_CLASS_MODELS = (
    "section",
    "staffmember",
    "course",
    "courseskill",
    "series",
    "classsession",
    "application",
    "attendance",
)


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Classes and outreach")
    # KPI sources this app answers (key → selector returning core.figures.Figure);
    # KPI definitions (data) name the key. Checked at start-up (core.checks).
    kpi_sources = {
        "outreach.resident_class_participants": "outreach.selectors.kpi_resident_class_participants",
        "outreach.staff_security_training_attendees": "outreach.selectors.kpi_staff_security_training_attendees",
    }
    # Audit actions (core.audit): name → what people read in a history.
    audit_actions = {
        "outreach.session.created": _("Class created"),
        "outreach.series.created": _("Class series created"),
        "outreach.session.changed": _("Class changed"),
        "outreach.session.cancelled": _("Class cancelled"),
        "outreach.session.held": _("Class marked as held"),
        "outreach.session.reminded": _("Participants reminded of the class"),
        "outreach.roster.printed": _("Reception list printed"),
        "outreach.applicants.exported": _("Applicants exported"),
        "outreach.application.created": _("Application received"),
        "outreach.application.promoted": _("Moved up from the waiting list"),
        "outreach.application.cancelled": _("Application cancelled"),
        "outreach.attendance.recorded": _("Attendance recorded"),
        "outreach.attendance.changed": _("Attendance changed"),
        "outreach.attendance.walk_in_added": _("Walk-in participant added"),
        "outreach.attendance.staff_added": _("Member of staff recorded as attending"),
        "outreach.staff_member.imported": _(
            "Staff member added or changed from the personnel list"
        ),
        "outreach.staff_member.deactivated": _("Staff member no longer on the personnel list"),
        "outreach.participants.anonymised": _("Participants anonymised"),
        "outreach.signup.created": _("Volunteer signed up"),
        "outreach.signup.cancelled": _("Volunteer sign-up cancelled"),
        "outreach.signup.promoted": _("Volunteer moved up from the waiting list"),
        "outreach.signup.released": _("Volunteer sign-up released (class cancelled)"),
        "outreach.signup.attendance_recorded": _("Volunteer's activity recorded"),
        "outreach.calendar.reset": _("Calendar link renewed"),
        "outreach.course.created": _("Course created"),
        "outreach.course.changed": _("Course changed"),
    }
    # Messages to applicants and volunteers: 総務課's call list and templates.
    message_section = "dx"
    message_templates = {
        "outreach/messages/promoted": _("Class: moved up from the waiting list"),
        "outreach/messages/cancelled": _("Class cancelled (to applicants)"),
        "outreach/messages/cancelled_volunteer": _("Class cancelled (to volunteers)"),
        "outreach/messages/moved": _("Class date, time or venue changed (to applicants)"),
        "outreach/messages/moved_volunteer": _("Class date, time or venue changed (to volunteers)"),
        "outreach/messages/reminder": _("Class reminder (to participants)"),
        "outreach/messages/signup_promoted": _("Volunteer moved up from the waiting list"),
        "outreach/messages/signup_reminder": _("Class reminder (to volunteers)"),
    }
    # 総務課 plans and runs the classes (also through the admin site for courses).
    # 総務課 plans and runs the classes, and keeps the courses (/outreach/courses/).
    role_permissions: dict[str, list[str]] = {
        "dx_staff": [
            f"outreach.{action}_{model}"
            for model in _CLASS_MODELS
            for action in ("view", "add", "change")
        ],
    }
    nav_items: list = [
        (_("Classes"), "outreach:session_list", ["dx_staff"]),
        (_("Courses"), "outreach:course_list", ["dx_staff"]),
        (_("Class analysis"), "outreach:analysis", ["dx_staff"]),
        (_("Class staffing"), "outreach:staffing_list", ["dx_staff"]),
        (_("Security training by person"), "outreach:untrained_staff", ["dx_staff"]),
        (_("Volunteer my page"), "outreach:volunteer_mypage", ["volunteer"]),
        (_("Classes needing help"), "outreach:signup_class_list", ["volunteer"]),
    ]
    # What the volunteers app links to without knowing this app (it reads these two
    # declarations, as core reads nav_items): a volunteer's own page, which shows
    # their profile beside their sign-ups, hours and calendar; and, on 総務課's page
    # about one volunteer, (label, URL name taking the profile id, roles).
    volunteer_home = "outreach:volunteer_mypage"
    volunteer_pages: list = [
        (_("Classes and hours"), "outreach:volunteer_history", ["dx_staff"]),
    ]
    public_nav_items: list = [
        (_("Smartphone classes"), "outreach:public_classes"),
    ]
