"""Personas and factories of core's tests: the outbox and the staff pages."""

import socket
import socketserver
import threading
from datetime import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.messaging import Recipient, send_message
from core.models import AuditEntry
from core.roles import Role


@pytest.fixture
def notice_about(make_facility):
    """A record the messages are about (any model will do: a facility)."""
    return make_facility(name="茂原市中央公民館")


@pytest.fixture
def send_notice(notice_about):
    """send_notice(recipients, **kwargs) → messages recorded by core's own notice template."""

    def _send(recipients, **kwargs):
        kwargs.setdefault("event", "core.notice.sent")
        kwargs.setdefault("about", notice_about)
        return send_message(
            template="core/messages/notice",
            recipients=recipients,
            context={"title": "教室の会場が変わりました", "text": "会場は本納公民館になりました。"},
            **kwargs,
        )

    return _send


SASAKI = Recipient(
    name="佐々木 幸子",
    name_kana="ササキ サチコ",
    phone="0475-23-1234",
    kind=Recipient.APPLICANT,
)
TANAKA = Recipient(
    name="田中 一郎", email="tanaka@example.jp", phone="090-1111-2222", kind=Recipient.VOLUNTEER
)


def free_port() -> int:
    """A local port nobody listens on (a mail server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        in_data = False
        lines: list[bytes] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    in_data = False
                    self.server.received.append(b"".join(lines))
                    lines = []
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(line)
                continue
            command = line[:4].upper()
            if command in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif command == b"DATA":
                in_data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


class SMTPServer(socketserver.ThreadingTCPServer):
    """A real (tiny) SMTP server on 127.0.0.1 that keeps what it receives."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int):
        self.received: list[bytes] = []
        super().__init__(("127.0.0.1", port), _SMTPHandler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.shutdown()
        self.server_close()


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, full_name="管理者 一子")


@pytest.fixture
def make_entry(db):
    """make_entry(action, target, actor=None, at=None, note="") → an audit entry as recorded then."""

    def _make(action: str, target, *, actor=None, at: datetime | None = None, note: str = ""):
        return AuditEntry.objects.create(
            at=at or timezone.now(),
            actor=actor,
            actor_label=actor.full_name if actor else "system",
            action=action,
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
            target_repr=str(target),
            note=note,
        )

    return _make
