"""Registry lists (django-tables2). Every column is read from the joined row: no query per row."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import Table
from wifi.models import Machine, MonthlyUsage


class MachineTable(Table):
    code = tables.Column(linkify=("wifi:machine_detail", {"pk": tables.A("pk")}))
    facility = tables.Column(accessor="facility_name", verbose_name=_("facility"))  # annotated
    status = tables.Column()
    disaster_ssid = tables.Column()

    class Meta:
        model = Machine
        fields = (
            "code",
            "facility",
            "spot",
            "operator",
            "ssid",
            "disaster_ssid",
            "status",
            "status_since",
            "agreement_type",
            "agreement_end",
            "power_backup",
        )
        order_by = "code"
        empty_text = _("No machines match.")

    def render_status(self, value, record):
        badge = record.status_badge()
        return format_html(
            '<span class="badge{}">{}</span>', f" badge--{badge}" if badge else "", value
        )

    def value_status(self, record):
        return record.get_status_display()


class UsageTable(Table):
    machine = tables.Column(
        accessor="machine_code",  # annotated by the view
        verbose_name=_("machine"),
        linkify=("wifi:machine_detail", {"pk": tables.A("machine_id")}),
    )
    facility = tables.Column(accessor="facility_name", verbose_name=_("facility"))
    month = tables.DateColumn(format="Y-m")
    connections = tables.Column(attrs={"td": {"class": "number"}, "th": {"class": "number"}})
    distinct_users = tables.Column(attrs={"td": {"class": "number"}, "th": {"class": "number"}})
    data_mb = tables.Column(attrs={"td": {"class": "number"}, "th": {"class": "number"}})

    class Meta:
        model = MonthlyUsage
        fields = (
            "machine",
            "facility",
            "month",
            "connections",
            "distinct_users",
            "data_mb",
            "source",
            "note",
        )
        order_by = ("-month", "machine")
        empty_text = _("No usage figures match.")
