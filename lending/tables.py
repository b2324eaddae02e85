"""Lists of the lending desk (django-tables2), exportable as CSV and XLSX.

Exports go through ``core.exports.TableExport``: ``value_<column>`` gives the cell
as data (a number, a date, a yes/no) where the page shows it as text or a mark.
"""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import Table
from lending.models import Item, Organisation, Reservation


class ItemTable(Table):
    tag_number = tables.LinkColumn("lending:item_detail", args=[tables.A("pk")])
    # ``type_name``, ``type_digital_ready`` and ``kit_tag`` are annotated by the list view.
    equipment_type = tables.Column(accessor="type_name", verbose_name=_("type"))
    digital = tables.BooleanColumn(accessor="type_digital_ready", verbose_name=_("digital-ready"))
    # The kit the unit is in.
    kit = tables.Column(accessor="kit_tag", verbose_name=_("kit"), default="")
    # The register's money and renewal figures: in the CSV/XLSX (the 備品台帳), not on screen.
    acquired_on = tables.Column(visible=False)
    acquisition_cost_yen = tables.Column(visible=False)
    replacement_fiscal_year = tables.Column(visible=False)

    class Meta:
        model = Item
        fields = [
            "tag_number",
            "equipment_type",
            "name",
            "digital",
            "status",
            "condition",
            "storage_place",
            "kit",
            "acquired_on",
            "acquisition_cost_yen",
            "replacement_fiscal_year",
        ]
        exclude = ["qr_token"]
        order_by = "tag_number"

    def value_digital(self, value) -> bool:
        return bool(value)


class ReservationTable(Table):
    id = tables.LinkColumn(
        "lending:reservation_detail", args=[tables.A("pk")], verbose_name=_("No.")
    )
    # Annotated by the list view.
    organisation = tables.Column(accessor="organisation_name", verbose_name=_("organisation"))
    # A date never breaks mid-number on a phone (「2026/06/1」 / 「5」).
    pickup_date = tables.DateColumn(attrs={"td": {"class": "nowrap"}, "th": {"class": "nowrap"}})
    return_date = tables.DateColumn(attrs={"td": {"class": "nowrap"}, "th": {"class": "nowrap"}})

    class Meta:
        model = Reservation
        fields = ["id", "organisation", "event_name", "pickup_date", "return_date", "state"]
        # The number breaks ties so that pages do not overlap; index lending_res_pickup_desc.
        order_by = ("-pickup_date", "-id")

    def value_pickup_date(self, value):
        return value

    def value_return_date(self, value):
        return value


class OrganisationTable(Table):
    name = tables.LinkColumn("lending:organisation_detail", args=[tables.A("pk")])

    class Meta:
        model = Organisation
        fields = [
            "name",
            "name_kana",
            "kind",
            "district",
            "representative_name",
            "representative_phone",
            "is_verified",
            "is_active",
        ]
        order_by = "name_kana"

    def value_is_verified(self, value) -> bool:
        return bool(value)

    def value_is_active(self, value) -> bool:
        return bool(value)


class MyReservationTable(Table):
    id = tables.LinkColumn(
        "lending:my_reservation_detail", args=[tables.A("pk")], verbose_name=_("No.")
    )
    organisation = tables.Column(accessor="organisation__name", verbose_name=_("organisation"))
    # A date never breaks mid-number on a phone (「2026/06/1」 / 「5」).
    pickup_date = tables.DateColumn(attrs={"td": {"class": "nowrap"}, "th": {"class": "nowrap"}})
    return_date = tables.DateColumn(attrs={"td": {"class": "nowrap"}, "th": {"class": "nowrap"}})

    class Meta:
        model = Reservation
        fields = ["id", "organisation", "event_name", "pickup_date", "return_date", "state"]
        order_by = "-pickup_date"
