from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Classes and outreach")
    role_permissions: dict[str, list[str]] = {}
    nav_items: list = []
    public_nav_items: list = []
