from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "lending"
    verbose_name = _("Equipment lending")
    # KPI sources this app answers (key → selector returning core.figures.Figure);
    # KPI definitions (data) name the key. Checked at start-up (core.checks).
    kpi_sources = {
        "lending.digital_loan_groups": "lending.selectors.kpi_digital_loan_groups",
        "lending.all_loan_groups": "lending.selectors.kpi_all_loan_groups",
    }
    # Audit actions (core.audit): name → what people read in a history.
    audit_actions = {
        "lending.reservation.requested": _("Reservation requested"),
        "lending.reservation.held_provisionally": _("Provisional reservation made"),
        "lending.reservation.approved": _("Reservation approved"),
        "lending.reservation.rejected": _("Reservation declined"),
        "lending.reservation.cancelled": _("Reservation cancelled"),
        "lending.reservation.expired": _("Provisional reservation expired"),
        "lending.reservation.units_released": _("Units released from the reservation"),
        "lending.loan.handed_out": _("Unit handed out"),
        "lending.loan.swapped": _("Unit exchanged"),
        "lending.loan.returned": _("Unit returned"),
        "lending.loan.inspected": _("Inspected after return"),
        "lending.loan.parts_missing": _("Parts reported missing at return"),
        "lending.loan.parts_complete": _("All parts confirmed at return"),
        "lending.equipment_type.created": _("Equipment type added"),
        "lending.equipment_type.changed": _("Equipment type changed"),
        "lending.item.created": _("Item registered"),
        "lending.item.changed": _("Item details changed"),
        "lending.kit.created": _("Kit put together"),
        "lending.kit.changed": _("Kit changed"),
        "lending.kit.retired": _("Kit retired"),
        "lending.item.repaired": _("Repair finished"),
        "lending.item.retired": _("Item retired"),
        "lending.item.qr_reissued": _("QR code reissued"),
        "lending.item.imported": _("Item added by CSV import"),
        "lending.organisation.imported": _("Group added by CSV import"),
        "lending.organisation.created": _("Group registered"),
        "lending.organisation.changed": _("Group details changed"),
        "lending.membership.requested": _("Asked to join a group"),
        "lending.membership.verified": _("Group member confirmed"),
        "lending.membership.revoked": _("Group member removed"),
        "lending.invitation.sent": _("Representative invited"),
        "lending.invitation.resent": _("Representative's invitation sent again"),
        "lending.invitation.cancelled": _("Representative's invitation withdrawn"),
        "lending.invitation.accepted": _("Representative's invitation accepted"),
        "lending.stocktake.started": _("Stocktake started"),
        "lending.stocktake.closed": _("Stocktake closed"),
        "lending.maintenance_plan.created": _("Maintenance plan created"),
        "lending.maintenance_plan.changed": _("Maintenance plan changed"),
        "lending.item.maintained": _("Maintenance recorded"),
        "lending.item.handed_out_maintenance_due": _(
            "Handed out although maintenance was due (confirmed by staff)"
        ),
        "lending.rule.changed": _("Lending rules changed"),
    }
    # Messages (core.messaging): the 生活課 answers for the calls of this app, and staff
    # may reword these letters to groups (templates/lending/mail/<name>.subject.txt, .txt).
    message_section = "lending"
    message_templates = {
        "lending/mail/approved": _("Reservation approved"),
        "lending/mail/rejected": _("Reservation declined"),
        "lending/mail/expired": _("Provisional reservation expired"),
        "lending/mail/pickup_reminder": _("Reminder of the pickup day"),
        "lending/mail/overdue": _("Request to return overdue equipment"),
        "lending/mail/units_swapped": _("Another unit handed out than the one booked"),
        "lending/mail/units_released": _("Units not taken released from the reservation"),
        "lending/mail/invitation": _("Invitation to act for a group"),
    }
    # Called with (user=..., email=...) once allauth has verified an address
    # (core.adapters.AccountAdapter.confirm_email): invited representatives join their group.
    email_verified_hooks = ["lending.services.representative_invitation_accept_for"]
    # Permissions each role gets, applied by `manage.py sync_roles` (see core.roles).
    # Views check roles; these permissions open the matching admin pages.
    role_permissions: dict[str, list[str]] = {
        "lending_staff": [
            f"lending.{action}_{model}"
            for model in (
                "organisation",
                "membership",
                "equipmenttype",
                "item",
                "kit",
                "kitmember",
                "reservation",
                "stocktake",
                "maintenanceplan",
                "maintenancerecord",
                "representativeinvitation",
            )
            for action in ("view", "add", "change")
        ]
        + ["lending.view_loan", "lending.change_loan", "lending.view_itemday"]
        + ["lending.view_stocktakeline", "lending.view_lendingrule"],
        "lending_lead": ["lending.view_lendingrule", "lending.add_lendingrule"],
        "dx_staff": ["lending.view_organisation", "lending.view_equipmenttype"],
    }
    nav_items = [
        (_("Lending desk"), "lending:desk", ["lending_staff"]),
        (_("Items"), "lending:item_list", ["lending_staff"]),
        (_("Equipment types"), "lending:type_list", ["lending_staff"]),
        (_("Kits"), "lending:kit_list", ["lending_staff"]),
        (_("Reservations"), "lending:reservation_list", ["lending_staff"]),
        (_("Organisations"), "lending:organisation_list", ["lending_staff"]),
        (_("QR labels"), "lending:labels", ["lending_staff"]),
        (_("Stocktake"), "lending:stocktake_list", ["lending_staff"]),
        (_("Maintenance"), "lending:maintenance_due", ["lending_staff"]),
        (_("Lending rules"), "lending:rules", ["lending_staff", "lending_lead"]),
        (_("CSV import"), "lending:import", ["lending_staff"]),
        (_("Return kiosk"), "lending:kiosk", ["kiosk"]),
        (_("My group's reservations"), "lending:my_reservations", ["org_representative"]),
    ]
    public_nav_items = [(_("Equipment availability"), "lending:availability")]
