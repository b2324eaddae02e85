from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "kpi"
    verbose_name = _("KPI review")
    # KPI sources this app answers (key → selector returning core.figures.Figure);
    # KPI definitions (data) name the key. Checked at start-up (core.checks).
    kpi_sources = {
        "kpi.serious_security_incidents": "kpi.selectors.kpi_serious_security_incidents",
    }
    # Audit actions (core.audit): name → what people read in a history.
    audit_actions = {
        "kpi.period.created": _("Plan period created"),
        "kpi.definition.changed": _("Indicator changed"),
        "kpi.target.set": _("Yearly target set"),
        "kpi.manual_value.set": _("Value entered by hand"),
        "kpi.comment.saved": _("Analysis and direction written"),
        "kpi.year.closed": _("Year closed"),
        "kpi.year.reopened": _("Year reopened"),
        "kpi.incident.recorded": _("Incident recorded"),
        "kpi.incident.changed": _("Incident changed"),
        "kpi.measure_check.saved": _("Measure row of the check sheet written"),
        "kpi.measure_check.board_comment": _("DX board's comment on a measure recorded"),
        "kpi.review.filled": _("Check sheet marked as filled in by the sections"),
        "kpi.review.board_recorded": _("DX board meeting recorded"),
        "kpi.review.published": _("Year published"),
    }
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
            "kpi.view_measure",
            "kpi.view_measurecheck",
            "kpi.add_measurecheck",
            "kpi.change_measurecheck",
            "kpi.view_yearreview",
            "kpi.change_yearreview",
        ],
        # 生活課 fills the rows of its own measures (コミュニティ備品の貸し出し).
        "lending_staff": ["kpi.view_measure", "kpi.view_measurecheck", "kpi.change_measurecheck"],
        "lending_lead": ["kpi.view_measure", "kpi.view_measurecheck", "kpi.change_measurecheck"],
    }
    nav_items = [
        (_("KPI check sheet"), "kpi:sheet_index", ["dx_staff"]),
        (_("KPI dashboard"), "kpi:dashboard", ["dx_staff"]),
        (
            _("Year-end check of measures"),
            "kpi:review_index",
            ["dx_staff", "lending_staff", "lending_lead"],
        ),
        (_("Security incidents"), "kpi:incident_list", ["dx_staff"]),
    ]
    public_nav_items = [(_("KPI report"), "kpi:public_report")]
