from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "lending"
    verbose_name = _("Equipment lending")
    # Permissions each role gets, applied by `manage.py sync_roles` (see core.roles).
    role_permissions: dict[str, list[str]] = {}
    # Navigation entries: (label, url name, permission or None for everyone signed in).
    nav_items: list = []
    public_nav_items: list = []
