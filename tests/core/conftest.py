"""Helpers for the outbox tests: a person to tell, a record to tell them about, a tiny SMTP server."""

import socket
import socketserver
import threading

import pytest

from core.messaging import Recipient, send_message


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
