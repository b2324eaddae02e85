"""Nobody left uninformed: every change of a class reaches each person concerned once, in the
transaction of the change, by e-mail or on 総務課's call list, in the language they chose."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Message
from outreach import services
from outreach.models import Application, ClassSession, VolunteerSignup
from tests.volunteers.conftest import build_profile

from .conftest import jst

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_profile(make_user):
    def _make(**kwargs):
        return build_profile(make_user, **kwargs)

    return _make


Role = VolunteerSignup.Role


def _messages(event: str, **filters):
    return Message.objects.filter(event=event, **filters)


def _full_session_with_waiting(make_session, make_application, **waiting):
    """A class of one place, taken, with 佐々木 幸子 (phone only) waiting."""
    session = make_session(capacity=1, status=ClassSession.Status.FULL)
    taken = make_application(session, name="茂原 花子", email="hanako@example.jp")
    waiting = make_application(
        session,
        name="佐々木 幸子",
        name_kana="ささき さちこ",
        phone="0475-22-4411",
        status=Application.Status.WAITLISTED,
        **waiting,
    )
    return session, taken, waiting


# --- moved up from the waiting list -----------------------------------------------------------


def test_online_cancellation_puts_the_resident_who_moves_up_on_the_call_list(
    make_session, make_application
):
    session, taken, sasaki = _full_session_with_waiting(make_session, make_application)
    services.application_cancel_by_reference(reference=taken.reference, phone=taken.phone)
    call = _messages("outreach.application.promoted").get()
    assert (call.name, call.name_kana, call.phone) == (
        "佐々木 幸子",
        "ささき さちこ",
        "0475-22-4411",
    )
    assert call.channel == Message.Channel.CALL and call.status == Message.Status.TO_CALL
    assert call.section == "dx" and call.recipient_kind == Message.Kind.APPLICANT
    assert call.about == sasaki
    assert "佐々木 幸子 様" in call.body and session.title in call.body
    assert "受付番号：" in call.body
    # The one who cancelled is not told anything; nobody else either.
    assert Message.objects.count() == 1


def test_staff_cancellation_mails_the_resident_who_moves_up_and_says_so(
    make_session, make_application, client_for, dx_staff, django_capture_on_commit_callbacks
):
    session, taken, waiting = _full_session_with_waiting(
        make_session, make_application, email="sachiko@example.jp"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dx_staff).post(
            reverse("outreach:application_cancel", args=[taken.pk]), follow=True
        )
    assert "メールでお知らせします" in response.content.decode()
    message = _messages("outreach.application.promoted").get()
    assert message.channel == Message.Channel.EMAIL and message.status == Message.Status.SENT
    assert [m.to for m in mail.outbox] == [["sachiko@example.jp"]]
    assert mail.outbox[0].subject.startswith(
        "[茂原市 つなぐ] スマホ教室に参加できることになりました"
    )


def test_more_places_tell_everyone_who_moves_up(make_session, make_application, dx_staff):
    session, _taken, _waiting = _full_session_with_waiting(make_session, make_application)
    make_application(session, name="東郷 次郎", status=Application.Status.WAITLISTED)
    services.session_update(session=session, by=dx_staff, capacity=3)
    assert _messages("outreach.application.promoted").count() == 2


def test_a_resident_who_chose_english_reads_english(make_session, make_application):
    session, taken, _waiting = _full_session_with_waiting(
        make_session, make_application, email="s@example.jp", language="en"
    )
    services.application_cancel(application=taken)
    message = _messages("outreach.application.promoted").get()
    assert message.language == "en"
    assert "You have a place in the smartphone class" in message.subject
    assert "Dear 佐々木 幸子" in message.body and "Reference number" in message.body


def test_a_rolled_back_cancellation_tells_nobody(make_session, make_application):
    session, taken, waiting = _full_session_with_waiting(make_session, make_application)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        services.application_cancel(application=taken)
        raise Boom
    assert Message.objects.count() == 0
    waiting.refresh_from_db()
    assert waiting.status == Application.Status.WAITLISTED


# --- a cancelled class ------------------------------------------------------------------------


@pytest.fixture
def class_with_people(make_session, make_application, make_profile):
    """A class with two confirmed residents (one with e-mail), one waiting, one who cancelled,
    and two volunteers (one confirmed, one waiting)."""
    session = make_session(capacity=2, assistant_places=1)
    make_application(session, name="佐々木 幸子", phone="0475-22-4411")
    make_application(session, name="茂原 花子", email="hanako@example.jp")
    make_application(session, name="東郷 次郎", status=Application.Status.WAITLISTED)
    make_application(session, name="取消 太郎", status=Application.Status.CANCELLED)
    helper = make_profile(status="active", full_name="支援 一郎")
    waiting = make_profile(status="active", full_name="支援 二郎")
    services.signup_create(session=session, volunteer=helper, role=Role.ASSISTANT)
    services.signup_create(session=session, volunteer=waiting, role=Role.ASSISTANT)
    return session


def test_cancelling_a_class_tells_every_applicant_and_volunteer_once(class_with_people, dx_staff):
    session = class_with_people
    services.session_cancel(session=session, by=dx_staff, reason="講師の急病のため")
    told = _messages("outreach.session.cancelled")
    names = sorted(told.values_list("name", flat=True))
    assert names == ["佐々木 幸子", "支援 一郎", "支援 二郎", "東郷 次郎", "茂原 花子"]
    by_name = {m.name: m for m in told}
    assert by_name["佐々木 幸子"].channel == Message.Channel.CALL
    assert by_name["佐々木 幸子"].section == "dx"
    assert by_name["茂原 花子"].channel == Message.Channel.EMAIL
    assert "講師の急病のため" in by_name["佐々木 幸子"].body
    assert "キャンセル待ちで" in by_name["東郷 次郎"].body
    assert by_name["支援 一郎"].recipient_kind == Message.Kind.VOLUNTEER
    assert "お申し込みは解除しました" in by_name["支援 一郎"].body
    # Every sign-up is released (the volunteer did not cancel: the city did).
    signups = VolunteerSignup.objects.filter(session=session)
    assert {s.status for s in signups} == {VolunteerSignup.Status.CANCELLED}
    assert all(s.released_at is not None for s in signups)
    assert AuditEntry.objects.filter(action="outreach.signup.released").count() == 2


def test_a_cancelled_class_cannot_be_cancelled_twice(class_with_people, dx_staff):
    from core.refusals import Refusal

    services.session_cancel(session=class_with_people, by=dx_staff, reason="台風")
    with pytest.raises(Refusal):
        services.session_cancel(session=class_with_people, by=dx_staff, reason="台風")
    assert _messages("outreach.session.cancelled").count() == 5


def test_a_rolled_back_cancellation_of_a_class_leaves_no_message(class_with_people, dx_staff):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.session_cancel(session=class_with_people, by=dx_staff, reason="台風")
        raise RuntimeError
    assert Message.objects.filter(event="outreach.session.cancelled").count() == 0
    assert not VolunteerSignup.objects.filter(released_at__isnull=False).exists()


def test_the_edit_form_cannot_cancel_a_class(class_with_people, client_for, dx_staff):
    form = client_for(dx_staff).get(reverse("outreach:session_edit", args=[class_with_people.pk]))
    assert 'value="cancelled"' not in form.content.decode()


def test_staff_cancel_a_class_with_a_reason_through_the_page(
    class_with_people, client_for, dx_staff
):
    url = reverse("outreach:session_cancel", args=[class_with_people.pk])
    client = client_for(dx_staff)
    page = client.get(url).content.decode()
    assert "3人（キャンセル待ちを含む）にお知らせします" in page
    assert "2人はメールアドレスがないため、連絡リストに載ります" in page
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200  # the reason is needed: it is told to everyone
    assert ClassSession.objects.get(pk=class_with_people.pk).status != "cancelled"
    client.post(url, {"reason": "会場の都合"})
    class_with_people.refresh_from_db()
    assert class_with_people.status == ClassSession.Status.CANCELLED
    assert class_with_people.cancel_reason == "会場の都合"


def test_the_volunteer_sees_the_released_sign_up_on_the_my_page(
    class_with_people, dx_staff, client_for
):
    services.session_cancel(session=class_with_people, by=dx_staff, reason="台風")
    signup = VolunteerSignup.objects.filter(session=class_with_people).first()
    page = client_for(signup.volunteer.user).get(reverse("outreach:volunteer_mypage"))
    body = page.content.decode()
    assert "教室は中止になりました" in body
    assert "お手伝いの申し込みは解除されました" in body
    assert "台風" in body


# --- a class that moves -----------------------------------------------------------------------


def test_a_new_date_is_told_to_everyone_and_a_second_change_again(class_with_people, dx_staff):
    session = class_with_people
    first = session.starts_at + timedelta(days=7)
    services.session_update(
        session=session, by=dx_staff, starts_at=first, ends_at=first + timedelta(hours=2)
    )
    assert _messages("outreach.session.changed").count() == 5
    message = _messages("outreach.session.changed", name="佐々木 幸子").get()
    assert "日時が変わりました" in message.body and "変更前" in message.body
    second = first + timedelta(days=7)
    services.session_update(
        session=session, by=dx_staff, starts_at=second, ends_at=second + timedelta(hours=2)
    )
    assert _messages("outreach.session.changed").count() == 10
    session.refresh_from_db()
    assert session.moved_from_starts_at < first  # the page shows the date people first had


def test_a_change_of_venue_is_told_and_other_edits_are_not(
    class_with_people, dx_staff, make_facility
):
    session = class_with_people
    services.session_update(session=session, by=dx_staff, title="LINE入門（改題）", capacity=5)
    assert not _messages("outreach.session.changed").exists()
    services.session_update(session=session, by=dx_staff, venue=make_facility(name="本納公民館"))
    messages = _messages("outreach.session.changed")
    assert messages.count() == 5
    assert "会場が変わりました" in messages.filter(recipient_kind="applicant").first().body


def test_a_past_or_held_class_tells_nobody_when_corrected(make_session, make_application, dx_staff):
    session = make_session(
        starts_at=timezone.now() - timedelta(days=3), status=ClassSession.Status.HELD
    )
    make_application(session)
    later = session.starts_at + timedelta(hours=1)
    services.session_update(
        session=session, by=dx_staff, starts_at=later, ends_at=later + timedelta(hours=2)
    )
    assert not Message.objects.exists()


# --- the reminder before the class ------------------------------------------------------------


@pytest.fixture
def monday_class(make_session, make_application, make_profile):
    """A class on Monday 10 June 2030 with two confirmed residents, one waiting, a volunteer."""
    session = make_session(starts_at=jst(2030, 6, 10, 10, 0), capacity=2, assistant_places=1)
    make_application(session, name="佐々木 幸子", phone="0475-22-4411")
    make_application(session, name="茂原 花子", email="hanako@example.jp", language="en")
    make_application(session, name="東郷 次郎", status=Application.Status.WAITLISTED)
    helper = make_profile(status="active", full_name="支援 一郎")
    services.signup_create(
        session=session, volunteer=helper, role=Role.ASSISTANT, now=jst(2030, 6, 1, 9, 0)
    )
    return session


def test_friday_reminds_of_monday_classes_once(monday_class):
    friday = jst(2030, 6, 7, 7, 0)
    assert services.application_reminders_send(now=friday) == 2
    assert services.application_reminders_send(now=friday + timedelta(hours=1)) == 0
    # Saturday and Sunday find nothing new either.
    assert services.application_reminders_send(now=jst(2030, 6, 8, 7, 0)) == 0
    assert services.application_reminders_send(now=jst(2030, 6, 9, 7, 0)) == 0
    reminders = _messages("outreach.session.reminded")
    assert sorted(reminders.values_list("name", flat=True)) == ["佐々木 幸子", "茂原 花子"]
    call = reminders.get(name="佐々木 幸子")
    assert call.channel == Message.Channel.CALL and call.due_on == friday.date()
    english = reminders.get(name="茂原 花子")
    assert english.channel == Message.Channel.EMAIL and "Your smartphone class is on" in (
        english.subject
    )
    assert AuditEntry.objects.filter(action="outreach.session.reminded").count() == 1


def test_thursday_is_too_early_for_a_monday_class(monday_class):
    assert services.application_reminders_send(now=jst(2030, 6, 6, 7, 0)) == 0


def test_the_daily_command_reminds_residents_and_volunteers_and_is_idempotent(
    monday_class, monkeypatch
):
    sunday_morning = jst(2030, 6, 9, 7, 0)
    monkeypatch.setattr(timezone, "now", lambda: sunday_morning)
    call_command("outreach_send_reminders")
    call_command("outreach_send_reminders")
    assert _messages("outreach.session.reminded").count() == 2
    volunteer = _messages("outreach.signup.reminder").get()
    assert volunteer.name == "支援 一郎" and volunteer.recipient_kind == Message.Kind.VOLUNTEER


def test_a_class_moved_to_a_new_day_is_reminded_of_again(monday_class, dx_staff, monkeypatch):
    services.application_reminders_send(now=jst(2030, 6, 7, 7, 0))
    tuesday = jst(2030, 6, 11, 10, 0)
    monkeypatch.setattr(timezone, "now", lambda: jst(2030, 6, 7, 8, 0))
    services.session_update(
        session=monday_class, by=dx_staff, starts_at=tuesday, ends_at=tuesday + timedelta(hours=2)
    )
    assert services.application_reminders_send(now=jst(2030, 6, 10, 7, 0)) == 2


def test_a_cancelled_class_is_not_reminded_of(monday_class, dx_staff):
    services.session_cancel(session=monday_class, by=dx_staff, reason="台風")
    assert services.application_reminders_send(now=jst(2030, 6, 7, 7, 0)) == 0


# --- the public page of a cancelled or moved class --------------------------------------------


def test_a_cancelled_class_page_says_so_with_the_reason_and_whom_to_call(
    client, class_with_people, dx_staff
):
    services.session_cancel(session=class_with_people, by=dx_staff, reason="講師の急病のため")
    response = client.get(reverse("outreach:public_session", args=[class_with_people.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "この教室は中止になりました" in body
    assert "講師の急病のため" in body
    assert settings.TSUNAGU["city"]["phone"] in body and "総務課" in body
    assert 'name="name"' not in body  # no application form


def test_a_class_that_moved_shows_the_new_date(client, class_with_people, dx_staff):
    session = class_with_people
    new = timezone.localtime(session.starts_at + timedelta(days=7))
    services.session_update(
        session=session, by=dx_staff, starts_at=new, ends_at=new + timedelta(hours=2)
    )
    body = client.get(reverse("outreach:public_session", args=[session.pk])).content.decode()
    assert "日時が変わりました" in body
    assert f"{new.month}月{new.day}日" in body


def test_a_staff_course_or_a_planned_class_stays_hidden(client, make_session):
    planned = make_session(status=ClassSession.Status.PLANNED)
    assert client.get(reverse("outreach:public_session", args=[planned.pk])).status_code == 404


# --- the public form records the resident's language and e-mail --------------------------------


def test_the_public_form_records_the_language_and_the_email(client, make_session):
    session = make_session()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("outreach:public_session", args=[session.pk]),
        {
            "name": "Jane Smith",
            "phone": "0475-22-9999",
            "email": "jane@example.com",
            "phone_type": "iphone",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.language, application.email) == ("en", "jane@example.com")


def test_anonymising_clears_the_email_and_the_messages(make_session, make_application, dx_staff):
    from core.fiscal import current_fiscal_year

    old = make_session(
        starts_at=jst(current_fiscal_year() - 3, 6, 10, 10, 0), status=ClassSession.Status.FULL
    )
    taken = make_application(old, email="old@example.jp")
    waiting = make_application(old, name="佐々木 幸子", status=Application.Status.WAITLISTED)
    ClassSession.objects.filter(pk=old.pk).update(capacity=1)
    services.application_cancel(application=taken)
    assert Message.objects.filter(name="佐々木 幸子").exists()
    services.participants_anonymise()
    waiting.refresh_from_db()
    taken.refresh_from_db()
    assert taken.email == "" and waiting.name == ""
    message = Message.objects.get(event="outreach.application.promoted")
    assert (message.name, message.phone, message.body) == ("", "", "")


def test_the_class_list_and_the_dashboard_show_the_open_calls(
    make_session, make_application, client_for, dx_staff
):
    _session, taken, _waiting = _full_session_with_waiting(make_session, make_application)
    services.application_cancel_by_reference(reference=taken.reference, phone=taken.phone)
    client = client_for(dx_staff)
    for url in (reverse("outreach:session_list"), reverse("core:dashboard")):
        assert "連絡リスト：今日連絡する方 1人" in client.get(url).content.decode()


def test_more_places_and_a_new_date_at_once_tell_the_one_moved_up_as_having_a_place(
    make_session, make_application, dx_staff
):
    session, _taken, _waiting = _full_session_with_waiting(make_session, make_application)
    later = session.starts_at + timedelta(days=7)
    services.session_update(
        session=session,
        by=dx_staff,
        capacity=2,
        starts_at=later,
        ends_at=later + timedelta(hours=2),
    )
    assert _messages("outreach.application.promoted", name="佐々木 幸子").count() == 1
    moved = _messages("outreach.session.changed", name="佐々木 幸子").get()
    assert "キャンセル待ち" not in moved.body


@pytest.mark.parametrize(
    "template",
    [
        "outreach/messages/promoted",
        "outreach/messages/cancelled",
        "outreach/messages/cancelled_volunteer",
        "outreach/messages/moved",
        "outreach/messages/moved_volunteer",
        "outreach/messages/reminder",
        "outreach/messages/signup_promoted",
        "outreach/messages/signup_reminder",
    ],
)
def test_dx_staff_can_edit_each_class_message_with_a_preview(
    class_with_people, dx_staff, client_for, template
):
    services.session_cancel(session=class_with_people, by=dx_staff, reason="台風")
    client = client_for(dx_staff)
    assert template in client.get(reverse("core:message_templates")).content.decode()
    for language in ("ja", "en"):
        url = reverse("core:message_template_edit", args=[language, template])
        assert client.get(url).status_code == 200
