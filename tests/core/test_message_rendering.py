"""core.messaging rendering: templates in the recipient's language, one-line subjects, plain text."""

from datetime import date

import pytest

from core.messaging import render_message

SUBJECT = '{% load i18n %}{% translate "Yes" %}: {{ title }}\n'
BODY = (
    "{% load i18n %}{{ name }} 様\n"
    '{% translate "Yes" %}\n'
    "{{ title }} / {{ day|wareki }}\n"
    "{{ city.name }} {{ sections.lending }}\n"
    "{{ site_url }}/lending/my/\n"
)

# Rendering looks up texts staff may have edited (the database) before the shipped files.
pytestmark = pytest.mark.django_db


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
