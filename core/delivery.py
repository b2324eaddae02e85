"""Delivering the outbox in the background: claim, send once, retry with back-off.

``send_message`` records messages and, once the transaction commits, enqueues
``deliver_messages_task`` (django-tasks; in production the database backend, run by
``manage.py db_worker``). Delivery never runs inside the request that caused it, and
a failure never reaches the person who acted.

Sending twice is prevented by claiming: a worker first moves a message from
``queued`` to ``sending`` in one atomic statement (``SELECT … FOR UPDATE SKIP LOCKED``
then ``UPDATE`` on PostgreSQL, a write transaction on SQLite), so of two workers
only one gets it; a ``sent`` message is never claimed again. A transient failure
(mail server down, time-out) puts the message back to ``queued`` with the next
attempt doubled (``TSUNAGU_MESSAGE_RETRY_*``), re-enqueued to run then; after
``TSUNAGU_MESSAGE_MAX_ATTEMPTS`` or a permanent refusal it is ``failed`` and shows
on the outbox page for staff. ``deliver_due`` (``manage.py deliver_messages``)
delivers everything due, whatever happened to its task.
"""

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from core.channels import DeliveryError, channels
from core.models import Message

logger = logging.getLogger(__name__)

# How many messages one claim takes (one worker sends them over one SMTP connection).
BATCH_SIZE = 200


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling, capped."""
    first = settings.TSUNAGU_MESSAGE_RETRY_FIRST_SECONDS
    cap = settings.TSUNAGU_MESSAGE_RETRY_MAX_SECONDS
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), cap))


def claimable(now: datetime):
    """Automatic messages a worker may take now: queued and due, or claimed by a worker
    that vanished (its claim older than ``TSUNAGU_MESSAGE_CLAIM_SECONDS``)."""
    stale = now - timedelta(seconds=settings.TSUNAGU_MESSAGE_CLAIM_SECONDS)
    automatic = [name for name, channel in channels().items() if channel.automatic]
    return Message.objects.filter(channel__in=automatic).filter(
        Q(status=Message.Status.QUEUED, next_attempt_at__lte=now)
        | Q(status=Message.Status.SENDING, claimed_at__lt=stale)
    )


def claim(candidates, *, now: datetime, limit: int = BATCH_SIZE) -> list[Message]:
    """Take up to ``limit`` of ``candidates`` for this worker; no other worker gets them."""
    with transaction.atomic():
        ids = list(
            claimable(now)
            .filter(pk__in=candidates.values("pk"))
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        claimable(now).filter(pk__in=ids).update(
            status=Message.Status.SENDING,
            claimed_at=now,
            last_attempt_at=now,
            attempts=F("attempts") + 1,
        )
    return list(
        Message.objects.filter(pk__in=ids, status=Message.Status.SENDING, claimed_at=now).order_by(
            "pk"
        )
    )


def _deliver_claimed(messages: list[Message], *, now: datetime) -> Counter:
    outcome: Counter = Counter()
    retry_at: list[datetime] = []
    by_channel: dict[str, list[Message]] = {}
    for message in messages:
        by_channel.setdefault(message.channel, []).append(message)
    for name, batch in by_channel.items():
        channel = channels()[name]
        with channel.session() as session:
            unavailable: DeliveryError | None = None
            for message in batch:
                if unavailable is not None:
                    # The channel is down: the rest waits for the next attempt.
                    outcome[_record_failure(message, unavailable, now=now, retry_at=retry_at)] += 1
                    continue
                try:
                    channel.deliver(message, session)
                except DeliveryError as exc:
                    outcome[_record_failure(message, exc, now=now, retry_at=retry_at)] += 1
                    if exc.unavailable:
                        unavailable = exc
                    continue
                # Marked sent at once, message by message: a crash later in the batch must
                # not leave a delivered message claimable again.
                Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
                    status=Message.Status.SENT,
                    sent_at=timezone.now(),
                    claimed_at=None,
                    last_error="",
                )
                outcome["sent"] += 1
    if retry_at:
        _schedule(min(retry_at))
    return outcome


def _record_failure(message: Message, exc: DeliveryError, *, now: datetime, retry_at) -> str:
    attempts = message.attempts  # already counted by the claim
    if exc.permanent or attempts >= settings.TSUNAGU_MESSAGE_MAX_ATTEMPTS:
        status, next_attempt, result = Message.Status.FAILED, None, "failed"
    else:
        status, next_attempt, result = Message.Status.QUEUED, now + retry_delay(attempts), "retry"
        retry_at.append(next_attempt)
    logger.warning("Message %s not delivered (attempt %s): %s", message.pk, attempts, exc)
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
        status=status, next_attempt_at=next_attempt, claimed_at=None, last_error=str(exc)
    )
    return result


def deliver(candidates=None, *, now: datetime | None = None, limit: int | None = None) -> Counter:
    """Claim and deliver the due messages among ``candidates`` (default: all), batch by batch.

    Returns counts: ``sent``, ``retry`` (will be tried again), ``failed``."""
    now = now or timezone.now()
    candidates = Message.objects.all() if candidates is None else candidates
    total: Counter = Counter()
    while limit is None or total.total() < limit:
        size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - total.total())
        batch = claim(candidates, now=now, limit=size)
        if not batch:
            break
        total += _deliver_claimed(batch, now=now)
    return total


def deliver_due(*, now: datetime | None = None, limit: int | None = None) -> Counter:
    """Everything due now: new messages, retries whose time has come, abandoned claims."""
    return deliver(None, now=now, limit=limit)


@task()
def deliver_messages_task(keys: list[str] | None = None) -> dict[str, int]:
    """The background task: deliver the messages recorded by one ``send_message`` (by their
    idempotency keys), or everything due when ``keys`` is empty (a scheduled retry)."""
    candidates = Message.objects.filter(idempotency_key__in=keys) if keys else None
    return dict(deliver(candidates))


def enqueue_delivery(keys: Iterable[str]) -> None:
    """Queue the delivery of freshly recorded messages (called when their transaction commits).

    Should the queue itself fail, the messages are still in the outbox and the next
    ``deliver_messages`` run delivers them."""
    try:
        deliver_messages_task.enqueue(keys=list(keys))
    except Exception:  # noqa: BLE001 - the outbox row is the source of truth; never fail the caller
        logger.exception("Could not enqueue message delivery; deliver_messages will send them")


def _schedule(when: datetime) -> None:
    """Enqueue a retry run at ``when`` where the task backend can wait (the database one);
    elsewhere the next ``deliver_messages`` run picks the retries up."""
    backend = deliver_messages_task.get_backend()
    if not backend.supports_defer:
        return
    try:
        deliver_messages_task.using(run_after=when).enqueue()
    except Exception:  # noqa: BLE001 - same reason as in enqueue_delivery
        logger.exception("Could not schedule the retry; deliver_messages will send it")
