"""What services raise when a request cannot be met; every message is for the user."""

from datetime import date


class LendingError(Exception):
    """A refusal with a message in the user's language (never a server error)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidState(LendingError):
    """The action does not fit the current state (already approved, already handed out…)."""


class RuleViolation(LendingError):
    """The request breaks a rule of the 要綱; ``errors`` maps form fields to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


class ReservationConflict(LendingError):
    """Not enough free units for the dates; ``free_periods`` lists dates that would work."""

    def __init__(
        self,
        message: str,
        *,
        equipment_type=None,
        wanted: int = 0,
        free: int = 0,
        free_periods: list[tuple[date, date]] | None = None,
    ):
        super().__init__(message)
        self.equipment_type = equipment_type
        self.wanted = wanted
        self.free = free
        self.free_periods = free_periods or []
