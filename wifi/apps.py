from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
    # Who may do what is said by role in wifi.views (総務課 keeps the registry, 生活課 may
    # look); the app has no admin pages, so it grants no model permissions.
    nav_items = [(_("Wi-Fi vending machines"), "wifi:dashboard", ["dx_staff"])]
    public_nav_items = [(_("Free Wi-Fi spots"), "wifi:spots")]
