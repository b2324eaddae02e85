from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_REGISTRY_MODELS = ["machine", "machinestatuschange", "monthlyusage", "inspection", "activation"]


class WifiConfig(AppConfig):
    name = "wifi"
    verbose_name = _("Wi-Fi vending machines")
    # 総務課 keeps the registry; 生活課 may look (the machines stand in the halls it
    # lends from) but not change. Nobody deletes: machines leave through the history.
    role_permissions: dict[str, list[str]] = {
        "dx_staff": [
            f"wifi.{action}_{model}"
            for model in _REGISTRY_MODELS
            for action in ("view", "add", "change")
        ],
        "lending_staff": [f"wifi.view_{model}" for model in _REGISTRY_MODELS],
    }
    nav_items = [(_("Wi-Fi vending machines"), "wifi:dashboard", ["dx_staff"])]
    public_nav_items = [(_("Free Wi-Fi spots"), "wifi:spots")]
