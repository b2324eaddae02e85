from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "kpi"
    verbose_name = _("KPI review")
    role_permissions: dict[str, list[str]] = {
        "dx_staff": [
            "kpi.view_planperiod",
            "kpi.view_kpidefinition",
            "kpi.change_kpidefinition",
            "kpi.view_yeartarget",
            "kpi.add_yeartarget",
            "kpi.change_yeartarget",
            "kpi.view_manualvalue",
            "kpi.add_manualvalue",
            "kpi.change_manualvalue",
            "kpi.view_kpicomment",
            "kpi.add_kpicomment",
            "kpi.change_kpicomment",
            "kpi.view_incident",
            "kpi.add_incident",
            "kpi.change_incident",
            "kpi.view_yearclosing",
            "kpi.add_yearclosing",
        ]
    }
    nav_items = [
        (_("KPI check sheet"), "kpi:sheet_index", ["dx_staff"]),
        (_("KPI dashboard"), "kpi:dashboard", ["dx_staff"]),
        (_("Security incidents"), "kpi:incident_list", ["dx_staff"]),
    ]
    public_nav_items = [(_("KPI report"), "kpi:public_report")]
