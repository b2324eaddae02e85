"""Every write of the lending app: each function owns its transaction and audit entry.

Import from here (``from lending.services import loan_return``); the submodules
are split by topic only to keep them short. A refused request raises
``core.refusals.Refusal`` (a ``ReservationConflict`` also offers free dates).
"""

from lending.services.equipment import (
    equipment_type_save,
    item_save,
    kit_retire,
    kit_save,
)
from lending.services.invitations import (
    representative_invitation_accept_for,
    representative_invitation_cancel,
    representative_invitation_resend,
    representative_invite,
)
from lending.services.items import item_repair_finish, item_retire, item_token_reissue
from lending.services.kits import kit_hand_out, kit_return
from lending.services.loans import (
    ComponentCheck,
    ReturnResult,
    loan_components_report,
    loan_hand_out,
    loan_inspect,
    loan_return,
    loan_return_by_code,
    loans_hold_overdue_days,
    reservation_release_unhanded,
)
from lending.services.maintenance import (
    hand_out_despite_maintenance,
    maintenance_plan_save,
    maintenance_record,
)
from lending.services.notices import (
    reservation_notify,
    reservation_recipients,
    reservations_send_overdue_notices,
    reservations_send_pickup_reminders,
)
from lending.services.organisations import (
    membership_request,
    membership_revoke,
    membership_verify,
    organisation_save,
)
from lending.services.reservations import (
    ReservationConflict,
    reservation_approve,
    reservation_cancel,
    reservation_expire_provisional,
    reservation_reject,
    reservation_request,
)
from lending.services.rules import lending_rule_change
from lending.services.stocktakes import (
    ScanResult,
    stocktake_close,
    stocktake_open,
    stocktake_scan,
)

__all__ = [
    "equipment_type_save",
    "item_save",
    "kit_hand_out",
    "kit_retire",
    "kit_return",
    "kit_save",
    "ComponentCheck",
    "ReservationConflict",
    "ReturnResult",
    "ScanResult",
    "hand_out_despite_maintenance",
    "lending_rule_change",
    "maintenance_plan_save",
    "maintenance_record",
    "representative_invitation_accept_for",
    "representative_invitation_cancel",
    "representative_invitation_resend",
    "representative_invite",
    "stocktake_close",
    "stocktake_open",
    "stocktake_scan",
    "item_repair_finish",
    "item_retire",
    "item_token_reissue",
    "loan_components_report",
    "loan_hand_out",
    "loan_inspect",
    "loan_return",
    "loan_return_by_code",
    "loans_hold_overdue_days",
    "membership_request",
    "membership_revoke",
    "membership_verify",
    "organisation_save",
    "reservation_approve",
    "reservation_cancel",
    "reservation_expire_provisional",
    "reservation_notify",
    "reservation_recipients",
    "reservation_reject",
    "reservation_release_unhanded",
    "reservation_request",
    "reservations_send_overdue_notices",
    "reservations_send_pickup_reminders",
]
