"""Staff pages of the outbox: who may open what, one-tap outcomes, templates, bounded queries."""

import pytest
from django.core import mail
from django.urls import reverse

from core.audit import audit_history
from core.messaging import Recipient
from core.models import AuditEntry, Message, MessageTemplate
from core.roles import Role

from .conftest import SASAKI, TANAKA

pytestmark = pytest.mark.django_db

TEMPLATE = "core/messages/notice"


@pytest.fixture
def dx_message(send_notice):
    send_notice([SASAKI])
    return Message.objects.get()


def _pages(message):
    return [
        reverse("core:call_list"),
        reverse("core:outbox"),
        reverse("core:message_detail", args=[message.pk]),
        reverse("core:postcard_sheet"),
        reverse("core:message_templates"),
        reverse("core:message_template_edit", args=["ja", TEMPLATE]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, dx_message):
    for url in _pages(dx_message):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/")


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.ORG_REPRESENTATIVE, None])
def test_people_who_are_not_section_staff_are_refused(make_user, client_for, dx_message, role):
    client = client_for(make_user(role))
    for url in _pages(dx_message):
        assert client.get(url).status_code == 403, url
    post = client.post(reverse("core:call_record", args=[dx_message.pk]), {"outcome": "called"})
    assert post.status_code == 403
    dx_message.refresh_from_db()
    assert dx_message.status == Message.Status.TO_CALL


def test_the_kiosk_is_refused(kiosk_user, client_for, dx_message):
    client = client_for(kiosk_user)
    for url in _pages(dx_message):
        assert client.get(url).status_code == 403, url


def test_dx_staff_open_every_page(dx_staff, client_for, dx_message):
    client = client_for(dx_staff)
    for url in _pages(dx_message):
        assert client.get(url).status_code == 200, url


def test_lending_staff_do_not_see_the_dx_section_messages(lending_staff, client_for, dx_message):
    client = client_for(lending_staff)
    assert client.get(reverse("core:call_list")).status_code == 200
    assert "佐々木" not in client.get(reverse("core:call_list")).content.decode()
    assert client.get(reverse("core:message_detail", args=[dx_message.pk])).status_code == 404
    response = client.post(reverse("core:call_record", args=[dx_message.pk]), {"outcome": "called"})
    assert response.status_code == 404
    # core's notice template is the DX office's to edit
    edit = reverse("core:message_template_edit", args=["ja", TEMPLATE])
    assert client.get(edit).status_code == 404


def test_the_call_list_shows_name_kana_phone_link_and_the_script(dx_staff, client_for, dx_message):
    page = client_for(dx_staff).get(reverse("core:call_list")).content.decode()
    assert "佐々木 幸子" in page and "ササキ サチコ" in page
    assert 'href="tel:0475-23-1234"' in page
    assert "会場は本納公民館になりました。" in page
    for label in ("連絡済み", "不在", "伝言済み", "不要"):
        assert label in page


def test_one_tap_records_the_outcome(dx_staff, client_for, dx_message):
    client = client_for(dx_staff)
    response = client.post(
        reverse("core:call_record", args=[dx_message.pk]),
        {"outcome": "no_answer", "next": reverse("core:call_list")},
    )
    assert response.status_code == 302
    dx_message.refresh_from_db()
    assert dx_message.status == Message.Status.NO_ANSWER
    assert dx_message.due_on is not None
    page = client.get(reverse("core:call_list")).content.decode()
    assert "不在" in page  # the flash message, and the call shown for a later day


def test_an_unknown_outcome_is_refused(dx_staff, client_for, dx_message):
    client_for(dx_staff).post(
        reverse("core:call_record", args=[dx_message.pk]), {"outcome": "sent"}
    )
    dx_message.refresh_from_db()
    assert dx_message.status == Message.Status.TO_CALL


def test_the_dashboard_shows_how_many_calls_are_open(dx_staff, client_for, dx_message):
    page = client_for(dx_staff).get(reverse("core:dashboard")).content.decode()
    assert "連絡リスト" in page and "1" in page


def test_the_call_list_query_count_does_not_grow_with_rows(
    dx_staff, client_for, send_notice, django_assert_max_num_queries
):
    client = client_for(dx_staff)
    send_notice([Recipient(name="一人目", phone="0475-00-0001")])
    client.get(reverse("core:call_list"))  # warm the session
    with django_assert_max_num_queries(9) as one:
        assert client.get(reverse("core:call_list")).status_code == 200
    send_notice(
        [Recipient(name=f"人{n}", phone=f"0475-00-{n:04d}") for n in range(2, 51)],
        occurrence="more",
    )
    assert Message.objects.count() == 50
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("core:call_list"))
    assert response.content.decode().count('class="card call"') == 50


def test_the_outbox_query_count_does_not_grow_with_rows(
    dx_staff, client_for, send_notice, django_assert_max_num_queries
):
    client = client_for(dx_staff)
    send_notice([TANAKA])
    client.get(reverse("core:outbox"))
    with django_assert_max_num_queries(9) as one:
        client.get(reverse("core:outbox"))
    send_notice([Recipient(name=f"人{n}", email=f"p{n}@example.jp") for n in range(49)])
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("core:outbox") + "?status=sent")
    assert response.status_code == 200


def test_the_outbox_filters_and_a_failed_message_can_be_sent_again(
    dx_staff, client_for, send_notice, django_capture_on_commit_callbacks
):
    send_notice([TANAKA])
    message = Message.objects.get()
    Message.objects.update(status=Message.Status.FAILED, last_error="550 no such user")
    client = client_for(dx_staff)
    page = client.get(reverse("core:outbox") + "?status=failed").content.decode()
    assert "田中 一郎" in page
    assert "田中 一郎" not in client.get(reverse("core:outbox") + "?status=sent").content.decode()
    detail = client.get(reverse("core:message_detail", args=[message.pk])).content.decode()
    assert "550 no such user" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:message_retry", args=[message.pk]), {"channel": "email"}
        )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Message.Status.SENT  # the immediate task backend of the tests
    assert len(mail.outbox) == 1
    assert audit_history(message).first().action == "core.message.retried"


def test_postcards_print_as_address_labels_and_the_print_is_audited(
    dx_staff, client_for, send_notice
):
    send_notice(
        [Recipient(name="郵送 希望", postal_code="297-0022", address="千葉県茂原市町保1-1")],
        fallback="postcard",
    )
    client = client_for(dx_staff)
    page = client.get(reverse("core:postcard_sheet")).content.decode()
    assert "〒297-0022" in page and "郵送 希望 様" in page
    letters = client.get(reverse("core:postcard_sheet") + "?layout=letters").content.decode()
    assert "会場は本納公民館になりました。" in letters
    assert AuditEntry.objects.filter(action="core.postcard.printed").count() == 2


# --- templates staff can edit ------------------------------------------------------------------


def test_staff_edit_a_template_and_the_next_message_uses_it_with_its_version(
    dx_staff, client_for, send_notice
):
    client = client_for(dx_staff)
    url = reverse("core:message_template_edit", args=["ja", TEMPLATE])
    page = client.get(url).content.decode()
    assert "{{ recipient.name }}" in page  # the placeholders are listed
    response = client.post(
        url,
        {
            "subject": "【お知らせ】{{ title }}",
            "body": "{{ recipient.name }} さま\n{{ text }}\n総務課",
            "action": "save",
        },
    )
    assert response.status_code == 302
    send_notice([TANAKA])
    message = Message.objects.get()
    assert message.subject == "[茂原市 つなぐ] 【お知らせ】教室の会場が変わりました"
    assert message.body.startswith("田中 一郎 さま")
    assert message.template_version == 1
    row = MessageTemplate.objects.get()
    assert audit_history(row).get().action == "core.message_template.changed"


def test_the_preview_uses_the_latest_message_of_that_template(dx_staff, client_for, send_notice):
    send_notice([TANAKA])
    url = reverse("core:message_template_edit", args=["ja", TEMPLATE])
    response = client_for(dx_staff).post(
        url,
        {
            "subject": "{{ title }}",
            "body": "{{ recipient.name }} / {{ text }}",
            "action": "preview",
        },
    )
    page = response.content.decode()
    assert "田中 一郎 / 会場は本納公民館になりました。" in page
    assert not MessageTemplate.objects.exists()  # a preview saves nothing


def test_a_template_that_does_not_compile_is_refused(dx_staff, client_for):
    url = reverse("core:message_template_edit", args=["ja", TEMPLATE])
    response = client_for(dx_staff).post(
        url, {"subject": "{{ title }}", "body": "{% if %}", "action": "save"}
    )
    assert response.status_code == 200
    assert not MessageTemplate.objects.exists()
    response = client_for(dx_staff).post(
        url, {"subject": "{{ title }}", "body": "{% debug %}", "action": "save"}
    )
    assert not MessageTemplate.objects.exists()


def test_reset_restores_the_shipped_text(dx_staff, client_for, send_notice):
    client = client_for(dx_staff)
    edit = reverse("core:message_template_edit", args=["ja", TEMPLATE])
    client.post(edit, {"subject": "X", "body": "Y", "action": "save"})
    client.post(reverse("core:message_template_reset", args=["ja", TEMPLATE]))
    send_notice([TANAKA])
    message = Message.objects.get()
    assert message.subject == "[茂原市 つなぐ] 教室の会場が変わりました"
    assert message.template_version == 0
    row = MessageTemplate.objects.get()
    assert row.version == 2 and not row.is_customised
    assert [e.action for e in audit_history(row)] == [
        "core.message_template.reset",
        "core.message_template.changed",
    ]


def test_an_unknown_template_or_language_is_404(dx_staff, client_for):
    client = client_for(dx_staff)
    assert client.get(reverse("core:message_template_edit", args=["ja", "x/y"])).status_code == 404
    assert (
        client.get(reverse("core:message_template_edit", args=["fr", TEMPLATE])).status_code == 404
    )


def test_a_template_may_not_print_secrets(dx_staff, client_for):
    url = reverse("core:message_template_edit", args=["ja", TEMPLATE])
    client_for(dx_staff).post(
        url, {"subject": "{{ title }}", "body": "{{ recipient.user.password }}", "action": "save"}
    )
    assert not MessageTemplate.objects.exists()


def test_staff_who_retry_with_the_mail_server_down_see_success_and_the_message_waits(
    dx_staff, client_for, send_notice, settings, django_capture_on_commit_callbacks
):
    from .conftest import free_port

    send_notice([TANAKA])
    Message.objects.update(status=Message.Status.FAILED, last_error="550")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    message = Message.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dx_staff).post(
            reverse("core:message_retry", args=[message.pk]), {"channel": "email"}, follow=True
        )
    assert response.status_code == 200
    assert "連絡をもう一度送ります。" in response.content.decode()
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.last_error
