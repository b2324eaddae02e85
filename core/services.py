"""Writes of core that staff make: message templates, call outcomes, a retried message."""

from collections.abc import Iterable
from datetime import date

from django.db import models, transaction
from django.template import TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.messaging import check_template_text, shipped_texts
from core.models import Message, MessageTemplate
from core.office_calendar import next_open_day
from core.refusals import Refusal

CALL_OUTCOMES = (
    Message.Status.CALLED,
    Message.Status.NO_ANSWER,
    Message.Status.MESSAGE_LEFT,
    Message.Status.NOT_NEEDED,
)
POSTCARD_OUTCOMES = (Message.Status.POSTED, Message.Status.NOT_NEEDED)


def _checked(text: str, field: str) -> str:
    try:
        check_template_text(text)
    except TemplateSyntaxError as exc:
        raise Refusal(
            _("The text cannot be used as a template: %(problem)s") % {"problem": exc},
            field=field,
        ) from exc
    return text


def message_template_save(
    *, template: str, language: str, subject: str, body: str, by
) -> MessageTemplate:
    """Staff's own wording of ``template`` in ``language``: the next messages use it."""
    subject = " ".join(subject.split())
    _checked(subject, "subject")
    _checked(body, "body")
    if not subject or not body.strip():
        raise Refusal(_("Give both a subject and a body."), field="body" if subject else "subject")
    with transaction.atomic():
        row, _created = MessageTemplate.objects.select_for_update().get_or_create(
            template=template, language=language
        )
        before = shipped_texts(template, language) if not row.is_customised else row
        if row.is_customised and row.subject == subject and row.body == body:
            return row
        changes = {
            "subject": [before.subject, subject],
            "body": [before.body, body],
            "version": [row.version, row.version + 1],
        }
        row.subject, row.body = subject, body
        row.is_customised = True
        row.version += 1
        row.changed_at = timezone.now()
        row.changed_by = by
        row.save()
        audit_record(actor=by, action="core.message_template.changed", target=row, changes=changes)
    return row


def message_template_reset(*, template: str, language: str, by) -> MessageTemplate | None:
    """Back to the shipped texts of ``template`` in ``language`` (the edits stay in the history)."""
    with transaction.atomic():
        row = (
            MessageTemplate.objects.select_for_update()
            .filter(template=template, language=language)
            .first()
        )
        if row is None or not row.is_customised:
            return row
        changes = {
            "subject": [row.subject, ""],
            "body": [row.body, ""],
            "version": [row.version, row.version + 1],
        }
        row.subject, row.body = "", ""
        row.is_customised = False
        row.version += 1
        row.changed_at = timezone.now()
        row.changed_by = by
        row.save()
        audit_record(actor=by, action="core.message_template.reset", target=row, changes=changes)
    return row


def call_record_outcome(
    *, message: Message, outcome: str, by, note: str = "", today: date | None = None
) -> Message:
    """Record how a call (or a postcard) went. 不在 brings the call back the next open day."""
    today = today or timezone.localdate()
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        allowed = POSTCARD_OUTCOMES if message.is_postcard else CALL_OUTCOMES
        if message.channel not in (Message.Channel.CALL, Message.Channel.POSTCARD):
            raise Refusal(_("This message is not on the call list."))
        if outcome not in allowed:
            raise Refusal(_("Choose one of the outcomes shown."))
        if not message.is_open:
            raise Refusal(
                _("Someone has already recorded this one (%(status)s).")
                % {"status": message.get_status_display()}
            )
        before = message.status
        message.status = outcome
        message.last_attempt_at = timezone.now()
        if message.is_call:
            message.attempts += 1
        if note:
            message.note = (message.note + "\n" + note).strip()
        if outcome == Message.Status.NO_ANSWER:
            message.due_on = next_open_day(today, include_today=False)
        else:
            message.sent_at = timezone.now()
            message.done_by = by
        message.save()
        audit_record(
            actor=by,
            action="core.call.recorded",
            target=message,
            changes={"status": [before, outcome], "due_on": [None, str(message.due_on)]}
            if outcome == Message.Status.NO_ANSWER
            else {"status": [before, outcome]},
            note=note,
        )
    return message


def message_retry(*, message: Message, by, channel: str = "") -> Message:
    """Send a failed message again now (or put it on the call list / a postcard instead)."""
    from core.channels import get_channel

    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status != Message.Status.FAILED:
            raise Refusal(_("Only a failed message can be sent again."))
        before = {"status": message.status, "channel": message.channel}
        new_channel = get_channel(channel or message.channel)
        if not new_channel.reaches(message.recipient):
            raise Refusal(
                _("We have no %(channel)s details for this person.")
                % {"channel": new_channel.label},
                field="channel",
            )
        message.channel = new_channel.name
        message.status = new_channel.initial_status
        message.attempts = 0
        message.claimed_at = None
        if new_channel.automatic:
            message.next_attempt_at = timezone.now()
            message.due_on = None
        else:
            message.next_attempt_at = None
            message.due_on = timezone.localdate()
        message.save()
        audit_record(
            actor=by,
            action="core.message.retried",
            target=message,
            changes={
                "status": [before["status"], message.status],
                "channel": [before["channel"], message.channel],
            },
            note=message.last_error,
        )
        if new_channel.automatic:
            from core.delivery import enqueue_delivery

            keys = [message.idempotency_key]
            transaction.on_commit(lambda: enqueue_delivery(keys), robust=True)
    return message


def messages_anonymise(*, about: Iterable[models.Model]) -> int:
    """Blank the personal data of every message about ``about`` (when the app anonymises
    those records at the end of their retention period). Counts and dates stay."""
    from django.contrib.contenttypes.models import ContentType

    query = models.Q(pk__in=[])
    for record in about:
        query |= models.Q(
            about_type=ContentType.objects.get_for_model(record, for_concrete_model=False),
            about_id=str(record.pk),
        )
    return Message.objects.filter(query).update(
        user=None,
        name="",
        name_kana="",
        email="",
        phone="",
        postal_code="",
        address="",
        body="",
        context={},
        note="",
        about_repr="",
    )
