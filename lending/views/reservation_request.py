"""Submitting a reservation request: shared by the staff's phone booking and the group's own form."""

from django.contrib import messages
from django.utils.translation import gettext as _

from core.refusals import Refusal, put_on_form
from lending.forms import ReservationRequestForm
from lending.models import Reservation
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
