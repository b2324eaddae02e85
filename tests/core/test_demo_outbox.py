"""seed_demo's outbox: sent and failed e-mails, open calls for both sections, a postcard."""

import pytest

from core import demo
from core.models import Message
from core.roles import Role
from core.selectors import open_call_count


@pytest.mark.django_db
def test_the_demo_outbox_has_sent_and_failed_mail_and_open_calls_for_each_section(make_user):
    demo.seed()
    demo.seed()  # idempotent
    demo.settle_outbox()
    statuses = {
        (m.section, m.channel, m.status) for m in Message.objects.all()
    }  # notices + invitation
    assert ("dx", "email", "sent") in statuses
    assert ("dx", "email", "failed") in statuses
    assert ("dx", "call", "to_call") in statuses
    assert ("dx", "postcard", "to_post") in statuses
    assert ("lending", "call", "to_call") in statuses
    notices = Message.objects.filter(event="core.notice.sent")
    assert notices.count() == len(demo.DEMO_NOTICE_RECIPIENTS)
    failed = Message.objects.get(status=Message.Status.FAILED)
    assert "User unknown" in failed.last_error
    assert open_call_count(make_user(Role.DX_STAFF)) == 3
    assert open_call_count(make_user(Role.LENDING_STAFF)) == 1
