"""How a message reaches a person: one small class per channel.

A channel says whether it can reach a recipient and, if it is automatic, delivers
a message (the worker calls ``deliver``); a channel that a person works through
(a phone call, a postcard) only puts the message on the 連絡リスト. The channels in
use and their order come from ``settings.TSUNAGU_MESSAGE_CHANNELS``: the first
automatic channel that reaches the recipient is used; who has none gets a call
(or a postcard when the sender asks for one).

An SMS or LINE provider is one more subclass of ``Channel`` added to that list,
with ``name``, ``label``, ``reaches`` and ``deliver``; nothing in the events changes.
"""

import smtplib
from contextlib import contextmanager, suppress
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from core.messaging import Recipient
    from core.models import Message


class DeliveryError(Exception):
    """A delivery did not happen. ``permanent``: trying again will not help (a refused
    address). ``unavailable``: the channel itself is down (no connection to the mail
    server), so the rest of the batch waits for the next attempt instead of timing out
    one by one."""

    def __init__(self, message: str, *, permanent: bool = False, unavailable: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.unavailable = unavailable


class Channel:
    """One way of reaching people. Subclasses set the class attributes and override what applies."""

    name = ""  # stored in Message.channel
    label = ""  # what staff read
    automatic = True  # the worker delivers it; False: a person calls or posts it
    initial_status = "queued"  # Message.Status of a new message on this channel

    def reaches(self, recipient: "Recipient") -> bool:
        """Whether this channel can reach ``recipient`` with what we know of them."""
        return False

    @contextmanager
    def session(self):
        """A connection kept open while a batch of messages is delivered."""
        yield self

    def deliver(self, message: "Message", session=None) -> None:
        """Deliver one message, or raise ``DeliveryError``. Automatic channels only."""
        raise NotImplementedError


class EmailChannel(Channel):
    name = "email"
    label = _("E-mail")

    def reaches(self, recipient: "Recipient") -> bool:
        return bool(recipient.email)

    @contextmanager
    def session(self):
        connection = get_connection(fail_silently=False)
        try:
            yield connection
        finally:
            _close_quietly(connection)

    def deliver(self, message: "Message", session=None) -> None:
        mail = EmailMessage(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.email],
            connection=session,
            headers={"X-Tsunagu-Message": message.idempotency_key},
        )
        try:
            mail.send()
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise DeliveryError(_describe(exc), permanent=True) from exc
        except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected) as exc:
            _close_quietly(session)
            raise DeliveryError(_describe(exc), unavailable=True) from exc
        except smtplib.SMTPException as exc:
            # Any other answer about this message (a 4xx, a data error): try it again later.
            raise DeliveryError(_describe(exc)) from exc
        except OSError as exc:
            # (SMTPException is an OSError too, hence last.) Server down, connection refused,
            # time-out: the channel is unavailable; try again later.
            _close_quietly(session)
            raise DeliveryError(_describe(exc), unavailable=True) from exc


class CallChannel(Channel):
    """A member of the responsible section phones the person (the 連絡リスト)."""

    name = "call"
    label = _("Phone call")
    automatic = False
    initial_status = "to_call"

    def reaches(self, recipient: "Recipient") -> bool:
        return bool(recipient.phone)


class PostcardChannel(Channel):
    """The section prints a postcard or letter and posts it."""

    name = "postcard"
    label = _("Postcard")
    automatic = False
    initial_status = "to_post"

    def reaches(self, recipient: "Recipient") -> bool:
        return bool(recipient.address)


def _close_quietly(connection) -> None:
    # Closing a connection that never opened (server down) must not raise.
    if connection is None:
        return
    with suppress(OSError, smtplib.SMTPException):
        connection.close()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


@cache
def channels() -> dict[str, Channel]:
    """The configured channels by name, in the order they are tried."""
    found = {}
    for path in settings.TSUNAGU_MESSAGE_CHANNELS:
        channel = import_string(path)()
        found[channel.name] = channel
    return found


def get_channel(name: str) -> Channel:
    return channels()[name]


def channel_label(name: str) -> str:
    channel = channels().get(name)
    return str(channel.label) if channel else name


def choose_channel(recipient: "Recipient", *, fallback: str = "call") -> Channel:
    """The channel for ``recipient``: their own choice, else the first automatic channel that
    reaches them, else ``fallback`` (a call, or a postcard)."""
    available = channels()
    if recipient.channel:
        return available[recipient.channel]
    for channel in available.values():
        if channel.automatic and channel.reaches(recipient):
            return channel
    return available[fallback]
