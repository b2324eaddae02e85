"""Refusals: "the system says no, and here is why", for the person who asked.

Every service raises a ``Refusal`` (or a subclass) when a request cannot be met
because of the facts or the rules (a date already taken, a class that is full,
a state that no longer allows the step). The message is written for the person
in front of the screen, in their language, and may name the form field it is
about. Views catch ``Refusal`` only: any other exception is a programming error
and must surface as one (a 500 and a log entry), never as a friendly message.
"""

from collections.abc import Mapping, Sequence

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class Refusal(Exception):
    """A refused action with a message for the person (never a server error).

    ``field`` names the form field the message is about (None: the whole form).
    ``errors`` carries several messages at once, by field, when a request breaks
    several rules (each becomes a form error; ``message`` joins them).
    """

    def __init__(
        self,
        message: str = "",
        *,
        field: str | None = None,
        errors: Mapping[str | None, Sequence[str]] | None = None,
    ):
        if errors is None:
            errors = {field: [message]}
        else:
            errors = {key: list(values) for key, values in errors.items() if values}
        self.errors: dict[str | None, list[str]] = dict(errors)
        self.field = field
        self.message = message or " ".join(m for values in self.errors.values() for m in values)
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


def put_on_form(form, refusal: Refusal) -> None:
    """Show a refusal on ``form``: beside its field when the form has it, else above the form."""
    for field, problems in refusal.errors.items():
        target = field if field in form.fields else None
        for problem in problems:
            form.add_error(target, problem)


def show_refusal(request, refusal: Refusal) -> None:
    """Show a refusal as an error message on the next page (for actions without a form)."""
    messages.error(request, refusal.message)


def refusal_from(error: ValidationError) -> Refusal:
    """The refusal for a model's validation errors (``full_clean``), by field where Django names one."""
    if hasattr(error, "error_dict"):
        return Refusal(
            errors={
                (None if name == NON_FIELD_ERRORS else name): problems
                for name, problems in error.message_dict.items()
            }
        )
    return Refusal(errors={None: error.messages})


def clean_or_refuse(instance, **kwargs) -> None:
    """``instance.full_clean(**kwargs)``, refusing (not crashing) when the record breaks a rule.

    Services call it before they save, so a rule the form could not know about (a
    constraint spanning fields the form does not show) reaches the person as a refusal."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise refusal_from(error) from error
