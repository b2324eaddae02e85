"""Submitting a reservation request: shared by the staff's phone booking and the group's own form."""

from django.contrib import messages
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.refusals import Refusal, put_on_form
from lending.forms import ReservationRequestForm
from lending.models import Kit, KitMember, Reservation
from lending.services import reservation_request


def submit_request(request, form: ReservationRequestForm, *, staff: bool) -> Reservation | None:
    """Run the service for a valid form; a refusal goes on the form (never a server error)."""
    data = form.cleaned_data
    try:
        reservation = reservation_request(
            organisation=data["organisation"],
            pickup_date=data["pickup_date"],
            return_date=data["return_date"],
            lines=form.lines(),
            kits=form.chosen_kits(),
            event_name=data["event_name"],
            purpose=data["purpose"],
            event_place=data.get("event_place", ""),
            declaration=data["declaration"],
            provisional=staff and data.get("provisional", False),
            by=request.user,
        )
    except Refusal as refusal:
        put_on_form(form, refusal)
        return None
    messages.success(
        request,
        _("Reservation no. %(number)d has been received.") % {"number": reservation.pk},
    )
    return reservation


def kits_offered(kind_ok) -> list[Kit]:
    """Kits in service that a group may ask for (``kind_ok(equipment_type)``), with their units."""
    members = KitMember.objects.select_related("item__equipment_type")
    kits = Kit.objects.filter(is_active=True).prefetch_related(
        Prefetch("members", queryset=members)
    )
    return [
        kit
        for kit in kits
        if kit.member_items() and all(kind_ok(item.equipment_type) for item in kit.member_items())
    ]
