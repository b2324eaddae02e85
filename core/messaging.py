"""Messages to people: the one place that builds them from templates and records them.

Nothing else calls ``send_mail``. A service that must tell someone about a change
calls ``send_message`` inside its transaction::

    send_message(
        event="lending.reservation.approved",       # why (an audit-style name)
        template="lending/mail/approved",           # which texts
        recipients=[Recipient(kind=Recipient.GROUP_MEMBER, name=..., email=..., phone=...)],
        context={"reservation": reservation},
        about=reservation,                           # the record it concerns
    )

Each recipient becomes one row of the outbox (``core.models.Message``) in the
caller's transaction: a rolled-back change leaves no message, and the same event
about the same record reaches the same person once, however often the code runs
(pass ``occurrence`` when the same event can really happen again, e.g. a second
change of date). The channel is chosen per person (``core.channels``): e-mail when
they have an address, otherwise the 連絡リスト of the responsible section (a call, or
a postcard with ``fallback="postcard"``). E-mails are delivered in the background
once the transaction commits (``core.delivery``); the person who acted never waits
for, nor sees an error from, the mail server.

Templates: ``<template>.subject.txt`` (one line) and ``<template>.txt`` (the body),
with ``<template>.subject.<lang>.txt`` / ``<template>.<lang>.txt`` for another
language; plain text (no HTML escaping). The context also holds ``recipient``,
``city``, ``sections`` and ``site_url``. Staff may replace the texts of the
templates their app declares (``AppConfig.message_templates``) per language; the
version used is kept with each message.
"""

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.signals import setting_changed
from django.db import models, transaction
from django.dispatch import receiver
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone, translation

from core.channels import choose_channel
from core.roles import Role, user_roles

logger = logging.getLogger(__name__)

DEFAULT_SECTION = "dx"
# Which role answers for the messages of a section (the keys of the city file's [sections]).
SECTION_ROLES = {"lending": Role.LENDING_STAFF, "dx": Role.DX_STAFF}


@dataclass(frozen=True)
class Recipient:
    """Who a message is for. ``language`` is the one they chose (Japanese by default).

    ``kind`` says what they are to us (applicant, volunteer, group member, staff);
    ``key`` names the person stably for the one-message-per-event rule (default: the
    account, else the e-mail address, else phone and name; give the record's own key,
    e.g. ``"outreach.application:12"``, for people known only by phone). ``channel``
    forces a channel for this person (e.g. someone who asked for postcards).
    """

    APPLICANT = "applicant"
    VOLUNTEER = "volunteer"
    GROUP_MEMBER = "group_member"
    STAFF = "staff"
    OTHER = "other"

    email: str = ""
    name: str = ""
    phone: str = ""
    language: str = ""
    kind: str = OTHER
    name_kana: str = ""
    postal_code: str = ""
    address: str = ""
    user: Any = field(default=None, compare=False, repr=False)
    key: str = ""
    channel: str = ""

    @property
    def identity(self) -> str:
        if self.key:
            return self.key
        if self.user is not None and getattr(self.user, "pk", None):
            return f"user:{self.user.pk}"
        if self.email:
            return "email:" + self.email.strip().lower()
        # Two people of one household may share a phone: the name tells them apart.
        return "phone:" + re.sub(r"\D", "", self.phone) + ":" + "".join(self.name.split())


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    version: int = 0  # 0: the shipped file texts; n: staff's n-th version


@dataclass(frozen=True)
class TemplateTexts:
    """The source texts of a template in one language, and where they come from."""

    subject: str
    body: str
    version: int
    customised: bool


# --- templates -----------------------------------------------------------------------------


@cache
def text_engine() -> Engine:
    """The project's template engine, but for plain text: nothing is HTML-escaped.

    Shipped texts may load the installed libraries (``{% load i18n %}``); texts that
    staff write are checked separately and may not.
    """
    from django.template.backends.django import get_installed_libraries

    options = settings.TEMPLATES[0]
    return Engine(
        dirs=[str(d) for d in options.get("DIRS", [])],
        app_dirs=options.get("APP_DIRS", False),
        autoescape=False,
        libraries=get_installed_libraries(),
        builtins=options.get("OPTIONS", {}).get("builtins", []),
    )


@receiver(setting_changed)
def _forget_engine(setting, **kwargs) -> None:
    if setting == "TEMPLATES":
        text_engine.cache_clear()


def _file_names(template: str, part: str, language: str) -> list[str]:
    stem = f"{template}.subject" if part == "subject" else template
    return [f"{stem}.{language}.txt", f"{stem}.txt"]


def shipped_texts(template: str, language: str) -> TemplateTexts:
    """The texts shipped with Tsunagu (the files), as staff see them before editing."""
    engine = text_engine()
    subject = engine.select_template(_file_names(template, "subject", language))
    body = engine.select_template(_file_names(template, "body", language))
    return TemplateTexts(
        subject=subject.source.strip(), body=body.source, version=0, customised=False
    )


def current_texts(template: str, language: str) -> TemplateTexts:
    """What a message of ``template`` in ``language`` is built from now."""
    from core.models import MessageTemplate

    row = MessageTemplate.objects.filter(
        template=template, language=language, is_customised=True
    ).first()
    if row is None:
        return shipped_texts(template, language)
    return TemplateTexts(subject=row.subject, body=row.body, version=row.version, customised=True)


ALLOWED_LIBRARIES = {"i18n", "l10n", "tz"}


# Attributes no message may print, whatever a record offers (a password hash, a token).
SECRET_NAMES = re.compile(r"password|secret|token|session|otp|totp|mfa|recovery", re.IGNORECASE)


def check_template_text(text: str) -> None:
    """Raise ``TemplateSyntaxError`` when staff's text does not compile, uses a tag a
    message has no business with ({% debug %}, {% extends %}, other libraries) or names
    a secret (``…password``, ``…token``)."""
    for match in re.finditer(r"{%\s*(\w+)([^%]*)%}", text):
        tag, rest = match.group(1), match.group(2).split()
        if tag in {"debug", "extends"}:
            raise TemplateSyntaxError(f"{{% {tag} %}}")
        if tag == "load" and not set(rest) <= ALLOWED_LIBRARIES:
            raise TemplateSyntaxError("{% load " + " ".join(rest) + " %}")
    for match in re.finditer(r"{[{%](.*?)[}%]}", text, re.DOTALL):
        if found := SECRET_NAMES.search(match.group(1)):
            raise TemplateSyntaxError(found.group(0))
    text_engine().from_string(text)


@lru_cache(maxsize=256)
def _compiled(source: str):
    # One event to a thousand people compiles its texts once.
    return text_engine().from_string(source)


def _render_texts(texts: TemplateTexts, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        ctx = Context(context, autoescape=False)
        subject = _compiled(texts.subject).render(ctx)
        body = _compiled(texts.body).render(ctx)
    return subject, body


def full_context(context: dict) -> dict:
    return {
        "city": settings.TSUNAGU["city"],
        "sections": settings.TSUNAGU["sections"],
        "site_url": settings.SITE_URL,
        **context,
    }


def subject_prefix() -> str:
    return f"[{settings.TSUNAGU['city']['name']} つなぐ] "


def render_texts(texts: TemplateTexts, context: dict, *, language: str = "") -> RenderedMessage:
    """Render ``texts`` (staff's or the shipped ones) with ``context``."""
    subject, body = _render_texts(texts, full_context(context), language or settings.LANGUAGE_CODE)
    # A subject is one line whatever the data says (a title with a line break must not
    # make the mail unsendable).
    subject = " ".join(subject.split())
    return RenderedMessage(subject=subject_prefix() + subject, body=body, version=texts.version)


def render_message(template: str, context: dict, *, language: str = "") -> RenderedMessage:
    """Subject and body of ``template`` in ``language`` (the site language by default)."""
    language = language or settings.LANGUAGE_CODE
    texts = current_texts(template, language)
    try:
        return render_texts(texts, context, language=language)
    except TemplateSyntaxError:
        if not texts.customised:
            raise
        # Staff's text is checked when saved; should it still break, the message goes
        # out with the shipped text rather than not at all.
        logger.exception(
            "Message template %s (%s) is broken; using the shipped text", template, language
        )
        return render_texts(shipped_texts(template, language), context, language=language)


# --- the catalogue of templates staff may edit ---------------------------------------------


@dataclass(frozen=True)
class TemplateEntry:
    template: str
    label: str
    section: str
    app_label: str


def message_section(app_label: str) -> str:
    """The section that answers for an app's messages (``AppConfig.message_section``)."""
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return DEFAULT_SECTION
    return getattr(config, "message_section", DEFAULT_SECTION)


def template_catalogue() -> list[TemplateEntry]:
    """Every template declared by an app (``AppConfig.message_templates``: name → label)."""
    entries = []
    for config in apps.get_app_configs():
        for template, label in getattr(config, "message_templates", {}).items():
            entries.append(
                TemplateEntry(
                    template=template,
                    label=str(label),
                    section=message_section(config.label),
                    app_label=config.label,
                )
            )
    return entries


def catalogue_entry(template: str) -> TemplateEntry | None:
    return next((e for e in template_catalogue() if e.template == template), None)


def sections_for_user(user) -> list[str]:
    """The sections whose messages ``user`` answers for (both for someone with both roles)."""
    roles = user_roles(user)
    return [section for section, role in SECTION_ROLES.items() if role in roles]


# --- the context kept with a message (records by reference) --------------------------------


def freeze_context(value: Any, depth: int = 0) -> Any:
    """A JSON form of a template context: records as references, dates as ISO text."""
    if isinstance(value, models.Model):
        return {"$model": value._meta.label_lower, "pk": value.pk}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Recipient):
        return {"$recipient": {k: v for k, v in asdict(value).items() if k != "user"}}
    if depth > 3:
        return str(value)
    if isinstance(value, dict):
        return {str(k): freeze_context(v, depth + 1) for k, v in value.items()}
    if isinstance(value, models.QuerySet):
        value = list(value[:50])
    if isinstance(value, list | tuple | set | frozenset):
        return [freeze_context(v, depth + 1) for v in value]
    return str(value)


def thaw_context(value: Any) -> Any:
    """The context back from ``freeze_context`` (records fetched again; gone ones are None)."""
    if isinstance(value, list):
        return [thaw_context(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$model" in value:
        try:
            model = apps.get_model(value["$model"])
        except LookupError:
            return None
        return model._default_manager.filter(pk=value["pk"]).first()
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$recipient" in value:
        return Recipient(**value["$recipient"])
    return {k: thaw_context(v) for k, v in value.items()}


# --- recording messages ----------------------------------------------------------------------


def idempotency_key(
    *, event: str, about: models.Model | None, occurrence: str, recipient: Recipient
) -> str:
    about_part = f"{about._meta.label_lower}:{about.pk}" if about is not None else ""
    raw = "|".join([event, about_part, str(occurrence), recipient.identity])
    return hashlib.sha256(raw.encode()).hexdigest()


def send_message(
    *,
    event: str,
    template: str,
    recipients: Iterable[Recipient],
    context: dict,
    about: models.Model | None = None,
    occurrence: str | int = "",
    section: str = "",
    fallback: str = "call",
    now: datetime | None = None,
) -> int:
    """Record ``template`` for each recipient in the outbox, in the caller's transaction.

    ``event`` names why (``lending.reservation.approved``) and ``about`` the record the
    message concerns; one event about one record reaches one person once (give
    ``occurrence``, e.g. the new date, when the same event can happen again).
    ``section`` answers for the calls and postcards (default: the event's app's
    ``message_section``). Whoever has no e-mail address goes on the 連絡リスト as a
    call (``fallback="postcard"``: as a postcard). E-mails go out in the background
    after the commit. Returns how many messages were recorded (0 for a repeat).
    """
    from core.models import Message

    now = now or timezone.now()
    section = section or message_section(event.split(".", 1)[0])
    about_type = (
        ContentType.objects.get_for_model(about, for_concrete_model=False) if about else None
    )
    texts_by_language: dict[str, TemplateTexts] = {}
    rows: dict[str, Message] = {}
    for recipient in recipients:
        key = idempotency_key(event=event, about=about, occurrence=occurrence, recipient=recipient)
        if key in rows:
            continue
        language = recipient.language or settings.LANGUAGE_CODE
        if language not in texts_by_language:
            texts_by_language[language] = current_texts(template, language)
        person_context = {**context, "recipient": recipient}
        try:
            rendered = render_texts(texts_by_language[language], person_context, language=language)
        except TemplateSyntaxError:
            rendered = render_message(template, person_context, language=language)
        channel = choose_channel(recipient, fallback=fallback)
        rows[key] = Message(
            created_at=now,
            event=event,
            about_type=about_type,
            about_id=str(about.pk) if about is not None else "",
            about_repr=str(about)[:200] if about is not None else "",
            recipient_kind=recipient.kind,
            user=recipient.user if getattr(recipient.user, "pk", None) else None,
            name=recipient.name[:100],
            name_kana=recipient.name_kana[:100],
            email=recipient.email,
            phone=recipient.phone[:30],
            postal_code=recipient.postal_code[:10],
            address=recipient.address[:200],
            language=language,
            channel=channel.name,
            section=section,
            template=template,
            template_version=rendered.version,
            subject=rendered.subject[:300],
            body=rendered.body,
            context=freeze_context(context),
            status=channel.initial_status,
            next_attempt_at=now if channel.automatic else None,
            due_on=None if channel.automatic else _first_call_day(now),
            idempotency_key=key,
        )
    if not rows:
        return 0
    already = set(
        Message.objects.filter(idempotency_key__in=list(rows)).values_list(
            "idempotency_key", flat=True
        )
    )
    new = [message for key, message in rows.items() if key not in already]
    # A concurrent transaction recording the same event loses quietly, not with an error
    # that would roll back the change of the person who acted.
    Message.objects.bulk_create(new, ignore_conflicts=True)
    to_deliver = [m.idempotency_key for m in new if m.status == Message.Status.QUEUED]
    if to_deliver:
        from core.delivery import enqueue_delivery

        transaction.on_commit(lambda: enqueue_delivery(to_deliver), robust=True)
    return len(new)


def _first_call_day(now: datetime) -> date:
    # Due from the day it is recorded: on the list of the next day the office is open.
    return timezone.localdate(now)


def template_placeholders(template: str, language: str = "") -> list[str]:
    """The names a template's shipped texts use (``reservation.pickup_date``…), for the editor."""
    language = language or settings.LANGUAGE_CODE
    found: list[str] = []
    seen_templates: set[str] = set()

    def scan(source: str) -> None:
        for name in re.findall(r"{{\s*([A-Za-z_][\w.]*)", source):
            if name not in found:
                found.append(name)
        for name in re.findall(
            r"{%\s*(?:if|elif|for\s+\w+(?:\s*,\s*\w+)*\s+in)\s+([A-Za-z_][\w.]*)", source
        ):
            if name not in found:
                found.append(name)
        for included in re.findall(r"{%\s*include\s+[\"']([^\"']+)[\"']", source):
            if included in seen_templates:
                continue
            seen_templates.add(included)
            try:
                scan(text_engine().get_template(included).source)
            except TemplateDoesNotExist:
                continue

    try:
        texts = shipped_texts(template, language)
    except TemplateDoesNotExist:
        return []
    scan(texts.subject)
    scan(texts.body)
    for common in ("recipient.name", "city.name", "sections.lending", "sections.dx", "site_url"):
        if common not in found:
            found.append(common)
    return found
