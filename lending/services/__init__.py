"""Every write of the lending app: each function owns its transaction and audit entry.

Import from here (``from lending.services import loan_return``); the submodules
are split by topic only to keep them short.
"""

from lending.services.errors import InvalidState, LendingError, ReservationConflict, RuleViolation
from lending.services.loans import (
    ReturnResult,
    item_repair_finish,
    item_retire,
    loan_hand_out,
    loan_inspect,
    loan_return,
    loans_hold_overdue_days,
    reservation_release_unhanded,
)
from lending.services.organisations import (
    membership_request,
    membership_revoke,
    membership_verify,
    organisation_save,
)
from lending.services.reservations import (
    reservation_approve,
    reservation_cancel,
    reservation_expire_provisional,
    reservation_reject,
    reservation_request,
)

__all__ = [
    "InvalidState",
    "LendingError",
    "ReservationConflict",
    "ReturnResult",
    "RuleViolation",
    "item_repair_finish",
    "item_retire",
    "loan_hand_out",
    "loan_inspect",
    "loan_return",
    "loans_hold_overdue_days",
    "membership_request",
    "membership_revoke",
    "membership_verify",
    "organisation_save",
    "reservation_approve",
    "reservation_cancel",
    "reservation_expire_provisional",
    "reservation_reject",
    "reservation_release_unhanded",
    "reservation_request",
]
