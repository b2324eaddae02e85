from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Digital support volunteers")
    # Audit actions (core.audit): name → what people read in a history.
    audit_actions = {
        "volunteers.volunteer.applied": _("Volunteer registration submitted"),
        "volunteers.volunteer.approved": _("Volunteer approved"),
        "volunteers.volunteer.status_changed": _("Volunteer status changed"),
        "volunteers.volunteer.changed": _("Volunteer profile changed"),
        "volunteers.training.recorded": _("Training recorded"),
        "volunteers.appointment.made": _("Appointed デジタル推進委員"),
        "volunteers.appointment.reminder_sent": _("Appointment reminder sent"),
        "volunteers.note.added": _("Staff note added"),
        "volunteers.calendar.reset": _("Calendar link renewed"),
    }
    role_permissions: dict[str, list[str]] = {
        "dx_staff": [
            "volunteers.view_volunteerprofile",
            "volunteers.change_volunteerprofile",
            "volunteers.view_trainingrecord",
            "volunteers.add_trainingrecord",
            "volunteers.view_appointment",
            "volunteers.add_appointment",
            "volunteers.view_staffnote",
            "volunteers.add_staffnote",
        ],
    }
    # The volunteer's pages about classes (my page, find classes, staffing) live
    # beside the classes in outreach; they are listed here, by URL name only, so
    # all of a volunteer's menu is declared in one place. Nothing is imported.
    nav_items: list = [
        (_("Volunteer my page"), "outreach:volunteer_mypage", ["volunteer"]),
        (_("Classes needing help"), "outreach:signup_class_list", ["volunteer"]),
        (_("Volunteer roster"), "volunteers:roster", ["dx_staff"]),
        (_("Volunteer applications"), "volunteers:approvals", ["dx_staff"]),
        (_("Class staffing"), "outreach:staffing_list", ["dx_staff"]),
        # Every signed-in user: the way in for someone who wants to join, and the
        # profile page once they have applied.
        (_("Digital support volunteer registration"), "volunteers:me", []),
    ]
    public_nav_items: list = []
