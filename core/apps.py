from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")
    # Audit actions (core.audit): name → what people read in a history.
    audit_actions = {
        "core.facility.created": _("Facility registered"),
        "core.facility.changed": _("Facility details changed"),
        "core.message_template.changed": _("Message template changed"),
        "core.message_template.reset": _("Message template reset to the shipped text"),
        "core.call.recorded": _("Call outcome recorded"),
        "core.message.retried": _("Message sent again"),
        "core.postcard.printed": _("Postcard printed"),
    }
    # Messages (core.messaging): the section that answers for this app's calls and
    # postcards (a key of the city file's [sections]), and the templates staff may edit.
    message_section = "dx"
    message_templates = {
        "core/messages/notice": _("Notice from the city office"),
    }
    role_permissions = {
        "lending_staff": ["core.view_facility"],
        "dx_staff": [
            "core.view_facility",
            "core.add_facility",
            "core.change_facility",
            "core.view_auditentry",
        ],
    }
    nav_items: list = [
        (_("Call list"), "core:call_list", ["lending_staff", "dx_staff"]),
    ]
    public_nav_items: list = []

    def ready(self) -> None:
        from core import checks  # noqa: F401 - registers the system checks
        from core.roles import sync_roles_after_migrate

        # Groups and their permissions exist after every migrate, on every
        # database (tests included), without anyone clicking in the admin.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="tsunagu_sync_roles")
