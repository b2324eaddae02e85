"""The 連絡リスト: calls per section, one-tap outcomes, 不在 comes back the next working day."""

from datetime import date

import pytest
from django.utils import timezone

from core.audit import audit_history
from core.messaging import Recipient
from core.models import Message
from core.refusals import Refusal
from core.selectors import call_list, later_calls, open_call_count
from core.services import call_record_outcome

from .conftest import SASAKI

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_roles(make_user):
    from django.contrib.auth.models import Group

    from core.roles import Role

    user = make_user(Role.DX_STAFF, full_name="両方 担当")
    user.groups.add(Group.objects.get(name=Role.LENDING_STAFF))
    return user


def _call(send_notice, name="佐々木 幸子", section="dx", **extra):
    send_notice([Recipient(name=name, phone="0475-23-1234", **extra)], section=section)
    return Message.objects.get(name=name)


def test_each_section_sees_its_own_calls_and_someone_with_both_roles_sees_both(
    send_notice, dx_staff, lending_staff, both_roles, volunteer_user
):
    _call(send_notice, "教室の人", section="dx")
    _call(send_notice, "貸出の人", section="lending")
    names = lambda user: {m.name for m in call_list(user)}  # noqa: E731
    assert names(dx_staff) == {"教室の人"}
    assert names(lending_staff) == {"貸出の人"}
    assert names(both_roles) == {"教室の人", "貸出の人"}
    assert names(volunteer_user) == set()
    assert open_call_count(dx_staff) == 1
    assert open_call_count(both_roles) == 2
    assert open_call_count(volunteer_user) == 0


@pytest.mark.parametrize(
    ("today", "comes_back"),
    [
        (date(2026, 6, 12), date(2026, 6, 15)),  # Friday → Monday
        (date(2026, 7, 17), date(2026, 7, 21)),  # Friday before 海の日 (Mon 20 July) → Tuesday
        (date(2026, 12, 28), date(2027, 1, 4)),  # the last day before 年末年始 → 4 January
        (date(2026, 6, 10), date(2026, 6, 11)),  # Wednesday → Thursday
    ],
)
def test_no_answer_brings_the_call_back_the_next_working_day(
    send_notice, dx_staff, today, comes_back
):
    message = _call(send_notice)
    message = call_record_outcome(
        message=message, outcome=Message.Status.NO_ANSWER, by=dx_staff, today=today
    )
    assert message.status == Message.Status.NO_ANSWER and message.is_open
    assert message.due_on == comes_back
    assert message.attempts == 1
    assert list(call_list(dx_staff, today=today)) == []
    assert list(later_calls(dx_staff, today=today)) == [message]
    assert list(call_list(dx_staff, today=comes_back)) == [message]


@pytest.mark.parametrize(
    "outcome", [Message.Status.CALLED, Message.Status.MESSAGE_LEFT, Message.Status.NOT_NEEDED]
)
def test_an_outcome_closes_the_call_and_is_audited(send_notice, dx_staff, outcome):
    message = call_record_outcome(
        message=_call(send_notice), outcome=outcome, by=dx_staff, note="本人と話した"
    )
    assert not message.is_open
    assert message.done_by == dx_staff and message.sent_at is not None
    assert list(call_list(dx_staff)) == []
    entry = audit_history(message).get()
    assert entry.action == "core.call.recorded"
    assert entry.changes == {"status": ["to_call", outcome]}
    assert entry.note == "本人と話した"
    assert entry.actor_name == "総務課 職員"


def test_a_call_recorded_twice_is_refused_with_who_did_it(send_notice, dx_staff):
    message = _call(send_notice)
    call_record_outcome(message=message, outcome=Message.Status.CALLED, by=dx_staff)
    with pytest.raises(Refusal):
        call_record_outcome(message=message, outcome=Message.Status.NOT_NEEDED, by=dx_staff)


def test_a_postcard_takes_postcard_outcomes_only(send_notice, dx_staff):
    send_notice(
        [
            Recipient(
                name="郵送 希望", postal_code="297-0022", address="茂原市町保1", channel="postcard"
            )
        ]
    )
    message = Message.objects.get()
    with pytest.raises(Refusal):
        call_record_outcome(message=message, outcome=Message.Status.CALLED, by=dx_staff)
    call_record_outcome(message=message, outcome=Message.Status.POSTED, by=dx_staff)
    message.refresh_from_db()
    assert message.status == Message.Status.POSTED


def test_an_email_is_not_on_the_call_list(send_notice, dx_staff):
    send_notice([Recipient(name="メール", email="m@example.jp")])
    message = Message.objects.get()
    assert list(call_list(dx_staff)) == []
    with pytest.raises(Refusal):
        call_record_outcome(message=message, outcome=Message.Status.CALLED, by=dx_staff)


def test_a_call_recorded_on_a_weekend_is_on_mondays_list(send_notice, dx_staff):
    saturday = timezone.make_aware(timezone.datetime(2026, 6, 13, 10, 0))
    send_notice([SASAKI], now=saturday)
    message = Message.objects.get()
    assert list(call_list(dx_staff, today=date(2026, 6, 15))) == [message]


def test_open_call_count_is_the_call_list_counted(
    send_notice, dx_staff, lending_staff, both_roles, volunteer_user
):
    """The count on the desk and the class list (plain SQL) says what the 連絡リスト lists:
    open calls and postcards of the user's sections, due today or earlier or undated."""
    today = timezone.localdate()
    for n, (section, status, due_on) in enumerate(
        [
            ("dx", Message.Status.TO_CALL, None),
            ("dx", Message.Status.NO_ANSWER, today),
            ("dx", Message.Status.NO_ANSWER, date(today.year + 1, 1, 1)),  # comes back later
            ("dx", Message.Status.CALLED, None),  # done
            ("dx", Message.Status.TO_POST, None),
            ("lending", Message.Status.TO_CALL, date(2020, 1, 1)),
            ("lending", Message.Status.POSTED, None),  # done
        ]
    ):
        message = _call(send_notice, f"相手{n}", section=section)
        Message.objects.filter(pk=message.pk).update(status=status, due_on=due_on)
    queued_mail = _call(send_notice, "メールの人", section="dx")
    Message.objects.filter(pk=queued_mail.pk).update(
        channel=Message.Channel.EMAIL,
        status=Message.Status.QUEUED,  # nobody calls an e-mail
    )
    postcard = _call(send_notice, "はがきの人", section="lending")
    Message.objects.filter(pk=postcard.pk).update(
        channel=Message.Channel.POSTCARD, status=Message.Status.TO_POST
    )
    for user in (dx_staff, lending_staff, both_roles, volunteer_user):
        assert open_call_count(user) == call_list(user).count()
    assert [open_call_count(u) for u in (dx_staff, lending_staff, both_roles)] == [3, 2, 5]
