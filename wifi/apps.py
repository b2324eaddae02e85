from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WifiConfig(AppConfig):
    name = "wifi"
    verbose_name = _("Wi-Fi vending machines")
    role_permissions: dict[str, list[str]] = {}
    nav_items: list = []
    public_nav_items: list = []
