from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_REGISTRY_MODELS = ["machine", "machinestatuschange", "monthlyusage", "inspection", "activation"]


class WifiConfig(AppConfig):
    name = "wifi"
    verbose_name = _("Wi-Fi vending machines")
    # KPI sources this app answers (key → selector returning core.figures.Figure);
    # KPI definitions (data) name the key. Checked at start-up (core.checks).
    kpi_sources = {
        "wifi.machines_operating_at_year_end": "wifi.selectors.kpi_machines_operating_at_year_end",
    }
    # Audit actions (core.audit): name → what people read in a history.
    audit_actions = {
        "wifi.machine.created": _("Machine registered"),
        "wifi.machine.changed": _("Machine details changed"),
        "wifi.machine.status_changed": _("Machine status changed"),
        "wifi.usage.recorded": _("Monthly usage recorded"),
        "wifi.usage.changed": _("Monthly usage changed"),
        "wifi.inspection.recorded": _("Inspection recorded"),
        "wifi.activation.recorded": _("Drill or activation recorded"),
    }
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
