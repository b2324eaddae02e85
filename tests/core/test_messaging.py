"""The outbox: one message per person per event, written with the change, on the right channel."""

import pytest
from django.core import mail
from django.db import transaction

from core.messaging import Recipient, render_message, send_message
from core.models import Message

from .conftest import SASAKI, TANAKA

pytestmark = pytest.mark.django_db


def test_each_person_gets_one_message_per_event(send_notice):
    assert send_notice([SASAKI, TANAKA]) == 2
    assert send_notice([SASAKI, TANAKA]) == 0  # the same event again: nothing new
    assert Message.objects.count() == 2


def test_a_person_listed_twice_gets_one_message(send_notice):
    assert send_notice([TANAKA, TANAKA, Recipient(email="TANAKA@example.jp ")]) == 1


def test_the_same_event_can_happen_again_when_the_caller_says_so(send_notice):
    send_notice([TANAKA], occurrence="2026-06-15")
    send_notice([TANAKA], occurrence="2026-06-22")
    assert Message.objects.count() == 2


def test_a_rolled_back_change_leaves_no_message(send_notice, django_capture_on_commit_callbacks):
    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        send_notice([SASAKI, TANAKA])
        raise Boom
    assert Message.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_mail_goes_out_only_after_the_commit(send_notice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_notice([TANAKA])
    assert mail.outbox == []
    assert Message.objects.get().status == Message.Status.QUEUED
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = Message.objects.get()
    assert message.status == Message.Status.SENT and message.attempts == 1
    assert mail.outbox[0].to == ["tanaka@example.jp"]
    assert mail.outbox[0].subject == "[茂原市 つなぐ] 教室の会場が変わりました"
    assert "田中 一郎 様" in mail.outbox[0].body


def test_email_when_there_is_an_address_otherwise_the_call_list_of_the_section(send_notice):
    send_notice([SASAKI, TANAKA])
    by_name = {m.name: m for m in Message.objects.all()}
    assert by_name["田中 一郎"].channel == "email"
    call = by_name["佐々木 幸子"]
    assert call.channel == "call" and call.status == Message.Status.TO_CALL
    assert call.section == "dx"  # core's messages are the DX office's
    assert call.due_on is not None
    assert call.name_kana == "ササキ サチコ" and call.phone == "0475-23-1234"
    assert "佐々木 幸子 様" in call.body  # the script to read


def test_the_section_can_be_named_by_the_caller(send_notice):
    send_notice([SASAKI], section="lending")
    assert Message.objects.get().section == "lending"


def test_postcard_when_asked(send_notice):
    with_address = Recipient(
        name="鈴木 花子", postal_code="297-0022", address="千葉県茂原市町保1-1", phone="0475-1"
    )
    send_notice([with_address], fallback="postcard")
    message = Message.objects.get()
    assert message.channel == "postcard" and message.status == Message.Status.TO_POST


def test_the_message_keeps_why_who_and_what(send_notice, notice_about):
    send_notice([TANAKA])
    message = Message.objects.get()
    assert message.event == "core.notice.sent"
    assert message.about == notice_about and message.about_repr == "茂原市中央公民館"
    assert message.recipient_kind == "volunteer"
    assert message.template == "core/messages/notice" and message.template_version == 0
    assert message.context["title"] == "教室の会場が変わりました"


def test_english_where_the_person_chose_english(send_notice):
    send_notice([Recipient(name="Ann", email="ann@example.jp", language="en")])
    message = Message.objects.get()
    assert message.language == "en"
    assert message.body.startswith("Dear Ann,")


def test_render_message_keeps_its_public_shape():
    rendered = render_message("core/messages/notice", {"title": "件名\n二行目", "text": "本文"})
    assert rendered.subject == "[茂原市 つなぐ] 件名 二行目"
    assert "本文" in rendered.body


def test_send_message_returns_how_many_were_recorded_and_accepts_the_old_call(notice_about):
    count = send_message(
        event="core.notice.sent",
        template="core/messages/notice",
        recipients=[Recipient(email="a@example.jp", name="A")],
        context={"title": "t", "text": "b"},
    )
    assert count == 1


def test_anonymising_the_record_blanks_the_people_in_its_messages(send_notice, notice_about):
    from core.services import messages_anonymise

    send_notice([SASAKI, TANAKA])
    assert messages_anonymise(about=[notice_about]) == 2
    for message in Message.objects.all():
        assert message.name == message.phone == message.email == message.body == ""
        assert message.event == "core.notice.sent"  # the fact stays
