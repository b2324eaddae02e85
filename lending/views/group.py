"""Pages for the users who act for a group: their reservations, history, requests."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from core.refusals import Refusal, put_on_form, show_refusal
from lending import selectors
from lending.forms import CancelForm, JoinForm, ReservationRequestForm
from lending.models import EquipmentType, Membership
from lending.rules import group_limits
from lending.services import membership_request, reservation_cancel
from lending.tables import MyReservationTable
from lending.views.reservation_request import kits_offered, submit_request


def my_reservations(request):
    """A group's reservations and history (only the groups the user is verified for)."""
    reservations = selectors.reservations_for_user(request.user).select_related("organisation")
    table = MyReservationTable(reservations)
    # RequestConfig turns a page number that is not one (?page=, ?page=x, ?page=999) into
    # the first or last page; table.paginate() raised and answered 500 (found by the fuzz suite).
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "lending/my_reservations.html",
        {
            "table": table,
            "organisations": list(selectors.user_organisations(request.user)),
            "pending": list(
                Membership.objects.filter(
                    user=request.user, status=Membership.Status.PENDING
                ).select_related("organisation")
            ),
        },
    )


def my_reservation_detail(request, pk: int):
    """One of the group's reservations (404 for anyone outside the group)."""
    reservation = selectors.get_reservation_for_user(request.user, pk)
    reservation = selectors.reservation_with_details(reservation.pk)
    return render(
        request,
        "lending/my_reservation_detail.html",
        {"reservation": reservation},
    )


def my_reservation_cancel(request, pk: int):
    """The group cancels before pickup (404 for anyone outside the group): GET asks
    first, showing the reservation, the optional reason and one more button."""
    reservation = selectors.get_reservation_for_user(request.user, pk)
    if request.method != "POST":
        return render(
            request,
            "lending/my_reservation_cancel.html",
            {
                "reservation": selectors.reservation_with_details(reservation.pk),
                "cancel_form": CancelForm(),
            },
        )
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        reservation_cancel(
            reservation=reservation, by=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The reservation has been cancelled."))
    return redirect("lending:my_reservation_detail", pk=pk)


def my_reservation_new(request):
    """The group asks for equipment for an event: the dates and types chosen on the
    availability page carry over, the free units for those dates show beside each
    type, and a group at its limit learns it before filling anything in."""
    organisations = selectors.user_organisations(request.user).filter(
        is_verified=True, is_active=True
    )
    if not organisations.exists():
        messages.info(
            request, _("Before you can reserve, staff must confirm that you act for your group.")
        )
        return redirect("lending:my_join")
    limits = group_limits(organisations)
    if not any(limit.may_request for limit in limits):
        return render(request, "lending/request_limit.html", {"limits": limits})
    kinds = set(organisations.values_list("kind", flat=True))
    types = [
        t
        for t in EquipmentType.objects.filter(is_active=True)
        if any(t.is_eligible(kind) for kind in kinds)
    ]
    kits = kits_offered(lambda t: any(t.is_eligible(kind) for kind in kinds))
    form = ReservationRequestForm(
        request.POST or None,
        organisations=organisations,
        types=types,
        kits=kits,
        initial=ReservationRequestForm.initial_from(request.GET),
    )
    if request.method == "POST" and form.is_valid():
        reservation = submit_request(request, form, staff=False)
        if reservation is not None:
            return redirect("lending:my_reservation_detail", pk=reservation.pk)
    dates = form.dates()
    if dates:
        form.show_free_counts(selectors.availability(*dates, types=[t.pk for t in types]))
    return render(
        request,
        "lending/reservation_form.html",
        {"form": form, "staff": False, "limits": limits, "dates": dates},
    )


def my_join(request):
    """A signed-in user asks to act for a group; staff verify it."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_request(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                position=form.cleaned_data["position"],
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Staff will confirm your link to the group, usually within two open days."
                ),
            )
            return redirect("lending:my_reservations")
    return render(request, "lending/my_join.html", {"form": form})
