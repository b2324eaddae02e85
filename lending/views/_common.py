"""What the staff and group views share: submitting a reservation request."""

from django.contrib import messages
from django.utils.translation import gettext as _

from lending.forms import ReservationRequestForm
from lending.models import Reservation
from lending.services import ReservationConflict, RuleViolation, reservation_request


def submit_request(request, form: ReservationRequestForm, *, staff: bool) -> Reservation | None:
    """Run the service for a valid form; put refusals on the form (never a server error)."""
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
    except RuleViolation as refusal:
        for field, problems in refusal.errors.items():
            for problem in problems:
                form.add_error(None if field not in form.fields else field, problem)
        return None
    except ReservationConflict as conflict:
        form.add_error(None, conflict.message)
        return None
    messages.success(
        request,
        _("Reservation no. %(number)d has been received.") % {"number": reservation.pk},
    )
    return reservation
