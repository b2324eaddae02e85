from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Digital support volunteers")
    role_permissions: dict[str, list[str]] = {}
    nav_items: list = []
    public_nav_items: list = []
