"""Routes of the lending app (full paths: this module is mounted at the site root).

The kiosk (/kiosk/, /t/<token>), QR labels (/lending/labels/) and CSV import are
added by the kiosk branch.
"""

from django.urls import path

from lending.views import desk, group, public

app_name = "lending"

urlpatterns = [
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
    path("lending/organisations/", desk.OrganisationListView.as_view(), name="organisation_list"),
    path("lending/organisations/new/", desk.organisation_edit, name="organisation_new"),
    path("lending/organisations/<int:pk>/", desk.organisation_edit, name="organisation_detail"),
    path(
        "lending/memberships/<int:pk>/verify/",
        desk.membership_verify_view,
        name="membership_verify",
    ),
    # Groups (自治会 representatives)
    path("lending/my/", group.my_reservations, name="my_reservations"),
    path("lending/my/new/", group.my_reservation_new, name="my_reservation_new"),
    path("lending/my/join/", group.my_join, name="my_join"),
    path("lending/my/<int:pk>/", group.my_reservation_detail, name="my_reservation_detail"),
    path("lending/my/<int:pk>/cancel/", group.my_reservation_cancel, name="my_reservation_cancel"),
]
