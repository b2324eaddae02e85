"""core.messaging: messages built from templates in the recipient's language, sent on commit."""

from datetime import date

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from core.messaging import Recipient, render_message, send_message
from core.models import Facility

SUBJECT = '{% load i18n %}{% translate "Yes" %}: {{ title }}\n'
BODY = (
    "{% load i18n %}{{ name }} 様\n"
    '{% translate "Yes" %}\n'
    "{{ title }} / {{ day|wareki }}\n"
    "{{ city.name }} {{ sections.lending }}\n"
    "{{ site_url }}/lending/my/\n"
)


@pytest.fixture
def mail_templates(settings, tmp_path):
    folder = tmp_path / "tests_mail"
    folder.mkdir()
    (folder / "hello.subject.txt").write_text(SUBJECT, encoding="utf-8")
    (folder / "hello.txt").write_text(BODY, encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    return "tests_mail/hello"


def _context(**extra) -> dict:
    return {"name": "茂原 花子", "title": "スマホ入門", "day": date(2026, 4, 1), **extra}


def test_a_message_is_rendered_in_japanese_by_default(mail_templates, settings):
    message = render_message(mail_templates, _context())
    assert message.subject == "[茂原市 つなぐ] はい: スマホ入門"
    assert message.body.splitlines() == [
        "茂原 花子 様",
        "はい",
        "スマホ入門 / 令和8年4月1日",
        "茂原市 生活課",
        f"{settings.SITE_URL}/lending/my/",
    ]


def test_a_message_is_rendered_in_the_recipients_language(mail_templates):
    message = render_message(mail_templates, _context(), language="en")
    assert message.subject == "[茂原市 つなぐ] Yes: スマホ入門"
    assert "Yes" in message.body.splitlines()


def test_rendering_leaves_the_active_language_alone(mail_templates):
    from django.utils import translation

    render_message(mail_templates, _context(), language="en")
    assert translation.get_language() == "ja"


def test_a_subject_is_always_one_line(mail_templates):
    message = render_message(mail_templates, _context(title="スマホ\r\n入門\n（午後）"))
    assert message.subject == "[茂原市 つなぐ] はい: スマホ 入門 （午後）"
    assert "\n" not in message.subject and "\r" not in message.subject


def test_plain_text_is_not_html_escaped(mail_templates):
    title = "A&B <自治会> \"防災\" 'テント'"
    message = render_message(mail_templates, _context(title=title))
    assert message.subject.endswith(title)
    assert f"{title} / 令和8年4月1日" in message.body
    assert "&amp;" not in message.body and "&lt;" not in message.body


@pytest.mark.django_db
def test_messages_go_out_once_the_change_is_committed(
    mail_templates, django_capture_on_commit_callbacks, settings
):
    recipients = [
        Recipient(email="hanako@example.jp", name="茂原 花子"),
        Recipient(name="電話のみ", phone="0475-00-0000"),  # no address: nothing to send
        Recipient(email="john@example.jp", language="en"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        queued = send_message(
            event="lending.reservation.approved",
            template=mail_templates,
            recipients=recipients,
            context=_context(title="スマホ\n入門"),
        )
        assert mail.outbox == []  # not before the commit
    assert queued == 2
    assert [m.to for m in mail.outbox] == [["hanako@example.jp"], ["john@example.jp"]]
    assert mail.outbox[0].subject == "[茂原市 つなぐ] はい: スマホ 入門"
    assert mail.outbox[1].subject == "[茂原市 つなぐ] Yes: スマホ 入門"
    assert all(m.from_email == settings.DEFAULT_FROM_EMAIL for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_no_message_goes_out_when_the_change_is_rolled_back(mail_templates):
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        Facility.objects.create(name="仮", name_kana="カリ", address="茂原市")
        send_message(
            event="core.facility.created",
            template=mail_templates,
            recipients=[Recipient(email="hanako@example.jp")],
            context=_context(),
        )
        raise Refused
    assert mail.outbox == []
    assert not Facility.objects.exists()


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server is down")


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_does_not_undo_or_break_the_change(
    mail_templates, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    with transaction.atomic():
        Facility.objects.create(name="中央公民館", name_kana="チュウオウ", address="茂原市")
        send_message(
            event="core.facility.created",
            template=mail_templates,
            recipients=[Recipient(email="a@example.jp"), Recipient(email="b@example.jp")],
            context=_context(),
        )
    assert Facility.objects.filter(name="中央公民館").exists()
    failures = [r for r in caplog.records if "on_commit" in r.getMessage()]
    assert len(failures) == 2  # both were tried, both failures logged
