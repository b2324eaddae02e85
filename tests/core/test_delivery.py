"""Delivery: in the background, once, retried with back-off; a mail server that is down loses nothing."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core import delivery
from core.channels import DeliveryError, EmailChannel
from core.delivery import deliver_due, retry_delay
from core.messaging import Recipient
from core.models import Message
from core.services import message_retry

from .conftest import TANAKA, SMTPServer, free_port


def smtp_settings(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5


@pytest.mark.django_db
def test_delivering_again_never_sends_twice(send_notice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_notice([TANAKA])
    assert len(mail.outbox) == 1
    assert deliver_due(now=timezone.now() + timedelta(days=1)) == {}
    delivery.deliver_messages_task.enqueue(keys=[Message.objects.get().idempotency_key])
    assert len(mail.outbox) == 1
    assert Message.objects.get().attempts == 1


@pytest.mark.django_db
def test_calls_and_postcards_are_never_sent_by_the_worker(send_notice, settings):
    send_notice([Recipient(name="佐々木", phone="0475-1")])
    assert deliver_due() == {}
    assert Message.objects.get().status == Message.Status.TO_CALL


@pytest.mark.django_db
def test_mail_server_down_the_action_succeeds_and_a_later_run_delivers(
    send_notice, settings, django_capture_on_commit_callbacks
):
    port = free_port()
    smtp_settings(settings, port)  # nothing listens there: connection refused
    with django_capture_on_commit_callbacks(execute=True):
        assert send_notice([TANAKA, Recipient(name="B", email="b@example.jp")]) == 2
    # The person who acted saw no error; the messages wait with the reason.
    for message in Message.objects.all():
        assert message.status == Message.Status.QUEUED
        assert message.attempts == 1
        assert "Connection refused" in message.last_error or "Errno" in message.last_error
        assert message.next_attempt_at > timezone.now()
    # Not yet due: a run now sends nothing and does not count an attempt.
    assert deliver_due() == {}
    server = SMTPServer(port)
    try:
        outcome = deliver_due(now=timezone.now() + retry_delay(1))
    finally:
        server.stop()
    assert outcome == {"sent": 2}
    assert len(server.received) == 2
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
    assert all(m.attempts == 2 for m in Message.objects.all())


@pytest.mark.django_db
def test_the_command_delivers_what_is_due(send_notice, settings):
    send_notice([TANAKA])  # no commit in this test: nothing was enqueued
    call_command("deliver_messages")
    assert Message.objects.get().status == Message.Status.SENT
    assert len(mail.outbox) == 1


def test_back_off_doubles_up_to_the_cap(settings):
    settings.TSUNAGU_MESSAGE_RETRY_FIRST_SECONDS = 60
    settings.TSUNAGU_MESSAGE_RETRY_MAX_SECONDS = 3600
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8)] == [60, 120, 240, 3600, 3600]


class _Flaky(EmailChannel):
    errors: list[DeliveryError] = []

    def deliver(self, message, session=None):
        if self.errors:
            raise self.errors.pop(0)
        super().deliver(message, session)


@pytest.fixture
def flaky(monkeypatch):
    from core.channels import channels

    channel = _Flaky()
    configured = {**channels(), "email": channel}
    monkeypatch.setattr("core.channels.channels", lambda: configured)
    monkeypatch.setattr("core.delivery.channels", lambda: configured)
    channel.errors = []
    return channel


@pytest.mark.django_db
def test_after_the_last_attempt_the_message_fails_for_staff_to_see(send_notice, settings, flaky):
    settings.TSUNAGU_MESSAGE_MAX_ATTEMPTS = 3
    send_notice([TANAKA])
    flaky.errors = [DeliveryError("421 try later") for _ in range(3)]
    now = timezone.now()
    outcomes = []
    for _attempt in range(3):
        outcomes.append(dict(deliver_due(now=now)))
        now += timedelta(days=1)
    assert outcomes == [{"retry": 1}, {"retry": 1}, {"failed": 1}]
    message = Message.objects.get()
    assert message.status == Message.Status.FAILED and message.last_error == "421 try later"
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_refused_address_fails_at_once_and_staff_can_send_again(
    send_notice, flaky, dx_staff, django_capture_on_commit_callbacks
):
    send_notice([TANAKA])
    flaky.errors = [DeliveryError("550 no such user", permanent=True)]
    assert deliver_due() == {"failed": 1}
    message = Message.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        message_retry(message=message, by=dx_staff)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_mail_can_become_a_call(send_notice, flaky, dx_staff):
    send_notice([TANAKA])
    flaky.errors = [DeliveryError("550 no such user", permanent=True)]
    deliver_due()
    message = message_retry(message=Message.objects.get(), by=dx_staff, channel="call")
    assert message.channel == "call" and message.status == Message.Status.TO_CALL


@pytest.mark.django_db
def test_a_message_claimed_by_a_vanished_worker_is_delivered_later(send_notice, settings):
    send_notice([TANAKA])
    Message.objects.update(status=Message.Status.SENDING, claimed_at=timezone.now())
    assert deliver_due() == {}  # another worker may still be sending it
    later = timezone.now() + timedelta(seconds=settings.TSUNAGU_MESSAGE_CLAIM_SECONDS + 1)
    assert deliver_due(now=later) == {"sent": 1}


# --- the real path: the database task backend and its worker ---------------------------------


@pytest.mark.django_db(transaction=True)
def test_database_backend_and_worker_deliver_after_commit(send_notice, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        send_notice([TANAKA])
        assert DBTaskResult.objects.count() == 0  # enqueued only on commit
    assert DBTaskResult.objects.count() == 1
    assert Message.objects.get().status == Message.Status.QUEUED
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
    assert Message.objects.get().status == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_database_backend_schedules_the_retry(send_notice, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    smtp_settings(settings, free_port())
    send_notice([TANAKA])
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
    message = Message.objects.get()
    assert message.status == Message.Status.QUEUED and message.attempts == 1
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == message.next_attempt_at


# --- two workers at once ---------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once(send_notice, monkeypatch, settings, race):
    # PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the claim's write transaction.
    # Recorded and enqueued, but no task runs: the workers below race for them.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    send_notice([Recipient(name=f"人{n}", email=f"p{n}@example.jp") for n in range(40)])
    sent: list[int] = []
    lock = threading.Lock()

    class Slow(EmailChannel):
        def deliver(self, message, session=None):
            time.sleep(0.005)
            with lock:
                sent.append(message.pk)

    slow = Slow()
    monkeypatch.setattr("core.delivery.channels", lambda: {"email": slow})
    monkeypatch.setattr(delivery, "BATCH_SIZE", 5)
    outcomes = race(4, lambda _: deliver_due())
    assert outcomes.errors == []
    assert sorted(sent) == sorted(Message.objects.values_list("pk", flat=True))
    assert len(sent) == len(set(sent)) == 40
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
