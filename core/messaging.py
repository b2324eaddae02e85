"""Messages to people: the one place that builds them from templates and sends them.

Nothing else calls ``send_mail``. A service that must tell someone about a
change calls ``send_message`` inside its transaction; the message goes out only
if the change is committed.

Templates live beside the app's others: ``<template>.subject.txt`` (one line)
and ``<template>.txt`` (the body), rendered in the recipient's language with
``city``, ``sections`` and ``site_url`` in the context.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import translation


@dataclass(frozen=True)
class Recipient:
    """Who a message is for. ``language`` is the one they chose (Japanese by default)."""

    email: str = ""
    name: str = ""
    phone: str = ""
    language: str = ""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str


def render_message(template: str, context: dict, *, language: str = "") -> RenderedMessage:
    """Subject and body of ``template`` in ``language`` (the site language by default)."""
    full_context = {
        "city": settings.TSUNAGU["city"],
        "sections": settings.TSUNAGU["sections"],
        "site_url": settings.SITE_URL,
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _render_text(f"{template}.subject.txt", full_context)
        body = _render_text(f"{template}.txt", full_context)
    # A subject is one line whatever the data says (a title with a line break must not
    # make the mail unsendable).
    subject = " ".join(subject.split())
    prefix = f"[{settings.TSUNAGU['city']['name']} つなぐ] "
    return RenderedMessage(subject=prefix + subject, body=body)


def _render_text(name: str, context: dict) -> str:
    """A plain-text template: no HTML escaping (a group called 「A&B」 stays A&B in a mail)."""
    return get_template(name).template.render(Context(context, autoescape=False))


def send_message(
    *,
    event: str,
    template: str,
    recipients: Iterable[Recipient],
    context: dict,
    about: models.Model | None = None,
) -> int:
    """Send ``template`` to each recipient with an address once the transaction commits.

    ``event`` names why (``lending.reservation.approved``) and ``about`` the record the
    message concerns. Returns how many messages were queued.
    """
    queued = 0
    for recipient in recipients:
        if not recipient.email:
            continue
        message = render_message(template, context, language=recipient.language)
        # robust: a mail server that is down must not turn a saved change into an error page
        # (nor stop the other messages); the failure is logged by Django.
        transaction.on_commit(
            lambda m=message, to=recipient.email: send_mail(
                m.subject, m.body, settings.DEFAULT_FROM_EMAIL, [to]
            ),
            robust=True,
        )
        queued += 1
    return queued
