from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

_ACCOUNT_PERMISSIONS = [
    "core.view_user",
    "core.change_user",
    "core.view_invitation",
    "core.add_invitation",
    "core.change_invitation",
    "core.view_auditentry",
]


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
        "core.facility.retired": _("Facility taken out of use"),
        "core.facility.reinstated": _("Facility back in use"),
        "core.invitation.sent": _("Staff invitation sent"),
        "core.invitation.resent": _("Staff invitation sent again"),
        "core.invitation.cancelled": _("Staff invitation withdrawn"),
        "core.invitation.accepted": _("Staff invitation accepted"),
        "core.account.role_added": _("Role given"),
        "core.account.role_removed": _("Role removed"),
        "core.account.deactivated": _("Account deactivated"),
        "core.account.reactivated": _("Account reactivated"),
        "core.account.two_factor_reset": _("Two-step verification reset"),
    }
    # Messages (core.messaging): the section that answers for this app's calls and
    # postcards (a key of the city file's [sections]), and the templates staff may edit.
    message_section = "dx"
    message_templates = {
        "core/messages/notice": _("Notice from the city office"),
    }
    # Permissions each role gets (core.roles.sync_roles). Views check roles; these
    # permissions say the same for anything that asks Django (never the admin site:
    # no role sets is_staff).
    role_permissions = {
        "lending_staff": ["core.view_facility", "core.view_auditentry"],
        "dx_staff": [
            "core.view_facility",
            "core.add_facility",
            "core.change_facility",
            "core.view_auditentry",
        ],
        "administrator": _ACCOUNT_PERMISSIONS,
    }
    # Called with (user=..., email=...) when allauth has verified an address
    # (core.adapters.AccountAdapter.confirm_email). An app whose invitations wait
    # for a verified address (a group inviting its representative) adds its own.
    email_verified_hooks = ["core.services.invitation_accept_for"]
    nav_items = [
        (_("Call list"), "core:call_list", ["lending_staff", "dx_staff"]),
        (_("Staff accounts"), "core:account_list", ["administrator"]),
        (_("Facilities"), "core:facility_list", ["dx_staff"]),
        (_("Audit log"), "core:audit_log", ["administrator", "dx_staff", "lending_staff"]),
    ]
    public_nav_items: list = []

    def ready(self) -> None:
        from django.urls import register_converter

        from core import checks  # noqa: F401 - registers the system checks
        from core.fiscal import FiscalYearConverter
        from core.roles import sync_roles_after_migrate

        # Groups and their permissions exist after every migrate, on every
        # database (tests included), without anyone clicking in the admin.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="tsunagu_sync_roles")
        # Before any urls.py is imported: ``<fy:fiscal_year>`` keeps absurd years out.
        register_converter(FiscalYearConverter, "fy")
