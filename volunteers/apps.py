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
    }
    # Messages to volunteers: 総務課 answers for them (its call list, its templates).
    message_section = "dx"
    message_templates = {
        "volunteers/mail/approved": _("Volunteer registration approved"),
        "volunteers/mail/appointment_reminder": _("デジタル推進委員 appointment about to lapse"),
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
    # The pages about classes (a volunteer's my page, classes needing help, staffing)
    # are declared by outreach, which shows them.
    nav_items: list = [
        (_("Volunteer roster"), "volunteers:roster", ["dx_staff"]),
        (_("Volunteer applications"), "volunteers:approvals", ["dx_staff"]),
        # Every signed-in user: the way in for someone who wants to join, and their
        # own page once they have applied.
        (_("Digital support volunteer registration"), "volunteers:me", []),
    ]
    public_nav_items: list = []
