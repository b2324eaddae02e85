"""Routes of the lending app (full paths: this module is mounted at the site root).

Besides ``/lending/…`` it serves the return kiosk (``/kiosk/``) and what an item
label's QR code opens (``/t/<token>``), whose addresses are printed on labels and
typed into kiosk devices.
"""

from django.urls import path, re_path

from lending.views import (
    desk,
    equipment,
    group,
    imports,
    invitations,
    kiosk,
    labels,
    links,
    maintenance,
    public,
    rules,
    stocktake,
)

app_name = "lending"

urlpatterns = [
    # The return kiosk (kiosk account)
    path("kiosk/", kiosk.kiosk, name="kiosk"),
    path(
        "kiosk/returns/<int:loan_id>/components/",
        kiosk.kiosk_components,
        name="kiosk_components",
    ),
    # What a label's QR code opens; printed without the trailing slash, both work.
    re_path(r"^t/(?P<token>[A-Za-z0-9_-]{1,64})/?$", links.item_link, name="item_link"),
    # Public
    path("lending/availability/", public.availability, name="availability"),
    path(
        "lending/availability/<int:pk>/",
        public.availability_calendar,
        name="availability_calendar",
    ),
    # Staff desk (生活課)
    path("lending/desk/", desk.desk, name="desk"),
    path("lending/reservations/", desk.ReservationListView.as_view(), name="reservation_list"),
    path("lending/reservations/new/", desk.reservation_new, name="reservation_new"),
    path("lending/reservations/<int:pk>/", desk.reservation_detail, name="reservation_detail"),
    path(
        "lending/reservations/<int:pk>/approve/",
        desk.reservation_approve_view,
        name="reservation_approve",
    ),
    path(
        "lending/reservations/<int:pk>/reject/",
        desk.reservation_reject_view,
        name="reservation_reject",
    ),
    path(
        "lending/reservations/<int:pk>/cancel/",
        desk.reservation_cancel_view,
        name="reservation_cancel",
    ),
    path(
        "lending/reservations/<int:pk>/hand-out/",
        desk.reservation_hand_out,
        name="reservation_hand_out",
    ),
    path(
        "lending/reservations/<int:pk>/release/",
        desk.reservation_release_view,
        name="reservation_release",
    ),
    path("lending/reservations/<int:pk>/slip/", desk.reservation_slip, name="reservation_slip"),
    path("lending/returns/", desk.counter_return, name="counter_return"),
    path("lending/returns/<int:pk>/", desk.counter_return_item, name="counter_return_item"),
    path("lending/loans/<int:pk>/inspect/", desk.loan_inspect_view, name="loan_inspect"),
    path("lending/items/", desk.ItemListView.as_view(), name="item_list"),
    path("lending/items/<int:pk>/", desk.item_detail, name="item_detail"),
    path(
        "lending/items/<int:pk>/repaired/",
        desk.item_repair_finish_view,
        name="item_repair_finish",
    ),
    path("lending/items/<int:pk>/retire/", desk.item_retire_view, name="item_retire"),
    # The equipment register: types, new units, kits
    path("lending/types/", equipment.type_list, name="type_list"),
    path("lending/types/new/", equipment.type_edit, name="type_new"),
    path("lending/types/<int:pk>/", equipment.type_edit, name="type_edit"),
    path("lending/items/new/", equipment.item_new, name="item_new"),
    path("lending/items/<int:pk>/edit/", equipment.item_edit, name="item_edit"),
    path("lending/kits/", equipment.kit_list, name="kit_list"),
    path("lending/kits/new/", equipment.kit_edit, name="kit_new"),
    path("lending/kits/labels/", equipment.kit_label_sheet, name="kit_label_sheet"),
    path("lending/kits/<int:pk>/", equipment.kit_detail, name="kit_detail"),
    path("lending/kits/<int:pk>/edit/", equipment.kit_edit, name="kit_edit"),
    path("lending/kits/<int:pk>/retire/", equipment.kit_retire_view, name="kit_retire"),
    path("lending/kits/<int:pk>/label/", equipment.kit_label, name="kit_label"),
    path("lending/returns/kits/<int:pk>/", equipment.counter_return_kit, name="counter_return_kit"),
    path("lending/organisations/", desk.OrganisationListView.as_view(), name="organisation_list"),
    path("lending/organisations/new/", desk.organisation_edit, name="organisation_new"),
    path("lending/organisations/<int:pk>/", desk.organisation_edit, name="organisation_detail"),
    path(
        "lending/memberships/<int:pk>/verify/",
        desk.membership_verify_view,
        name="membership_verify",
    ),
    # A group's people: invitations of representatives, removing a member (staff)
    path(
        "lending/organisations/<int:pk>/invite/", invitations.invite, name="representative_invite"
    ),
    path(
        "lending/invitations/<int:pk>/resend/",
        invitations.invitation_resend,
        name="representative_invitation_resend",
    ),
    path(
        "lending/invitations/<int:pk>/cancel/",
        invitations.invitation_cancel,
        name="representative_invitation_cancel",
    ),
    path(
        "lending/memberships/<int:pk>/remove/",
        invitations.membership_remove,
        name="membership_remove",
    ),
    # The link in a representative's invitation mail (no sign-in: no account yet).
    path(
        "lending/invitation/<str:token>/", invitations.invitation_accept, name="invitation_accept"
    ),
    # Stocktake (棚卸)
    path("lending/stocktakes/", stocktake.stocktake_list, name="stocktake_list"),
    path("lending/stocktakes/<int:pk>/", stocktake.stocktake_detail, name="stocktake_detail"),
    path(
        "lending/stocktakes/<int:pk>/close/",
        stocktake.stocktake_close_view,
        name="stocktake_close",
    ),
    path(
        "lending/stocktakes/<int:pk>/report/", stocktake.stocktake_report, name="stocktake_report"
    ),
    # Maintenance
    path("lending/maintenance/", maintenance.maintenance_due, name="maintenance_due"),
    path("lending/maintenance/plans/", maintenance.plan_list, name="maintenance_plan_list"),
    path("lending/maintenance/plans/new/", maintenance.plan_edit, name="maintenance_plan_new"),
    path(
        "lending/maintenance/plans/<int:pk>/",
        maintenance.plan_edit,
        name="maintenance_plan_edit",
    ),
    path(
        "lending/items/<int:pk>/maintenance/",
        maintenance.item_maintenance,
        name="item_maintenance",
    ),
    # The lending rules (read: 生活課; change: its lead)
    path("lending/rules/", rules.rules, name="rules"),
    path("lending/rules/<str:kind>/change/", rules.rule_change, name="rule_change"),
    # QR labels and CSV import (staff)
    path("lending/labels/", labels.label_sheet, name="labels"),
    path("lending/labels/<int:pk>/", labels.label_single, name="label_single"),
    path("lending/items/<int:pk>/new-qr-code/", labels.token_reissue, name="token_reissue"),
    path("lending/import/", imports.import_page, name="import"),
    path(
        "lending/import/<str:kind>/template.csv",
        imports.import_template,
        name="import_template",
    ),
    # Groups (自治会 representatives)
    path("lending/my/", group.my_reservations, name="my_reservations"),
    path("lending/my/new/", group.my_reservation_new, name="my_reservation_new"),
    path("lending/my/join/", group.my_join, name="my_join"),
    path("lending/my/<int:pk>/", group.my_reservation_detail, name="my_reservation_detail"),
    path("lending/my/<int:pk>/cancel/", group.my_reservation_cancel, name="my_reservation_cancel"),
]
