"""The public class list is cached, and every write that changes it shows on the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import CacheVersion
from outreach import services
from outreach.models import ClassSession
from outreach.selectors.classes import PUBLIC_CLASSES_CACHE

pytestmark = pytest.mark.django_db
URL = reverse("outreach:public_classes")


def _page(client) -> str:
    return client.get(URL).content.decode()


def test_a_cached_list_is_served_without_reading_the_sessions(client, make_session):
    make_session(title="はじめてのスマホ")
    assert "はじめてのスマホ" in _page(client)
    with CaptureQueriesContext(connection) as hit:
        assert "はじめてのスマホ" in _page(client)
    assert not [q for q in hit.captured_queries if "outreach_classsession" in q["sql"]]
    assert len(hit.captured_queries) == 1  # the version


def test_an_application_shows_on_the_next_request(client, make_session):
    session = make_session(capacity=10)
    assert "定員10人のうち 残り10人" in _page(client)
    assert "定員10人のうち 残り10人" in _page(client)  # from the cache
    services.application_create(
        session=session,
        name="茂原 太郎",
        name_kana="もばら たろう",
        phone="0475-11-2222",
        phone_type="android",
        channel="phone",
    )
    page = _page(client)
    assert "定員10人のうち 残り9人" in page and "残り10人" not in page


def test_a_new_class_and_a_cancelled_class_show_on_the_next_request(
    client, make_session, make_course, make_facility, dx_staff
):
    kept = make_session(title="写真の撮り方")
    assert "写真の撮り方" in _page(client)
    course, venue = make_course(name="LINEの使い方"), make_facility()
    created = services.session_create(
        by=dx_staff,
        course=course,
        title="LINEの使い方",
        venue=venue,
        starts_at=kept.starts_at,
        ends_at=kept.ends_at,
        capacity=10,
        status=ClassSession.Status.OPEN,
    )
    assert "LINEの使い方" in _page(client)
    services.session_cancel(session=created, by=dx_staff, reason="台風")
    assert "LINEの使い方" not in _page(client)


def test_a_write_that_is_rolled_back_leaves_the_version_alone(client, make_session, dx_staff):
    session = make_session(status=ClassSession.Status.HELD)
    _page(client)
    before = CacheVersion.objects.filter(key=PUBLIC_CLASSES_CACHE).first()
    with pytest.raises(Exception):  # noqa: B017 - the Refusal of a held class
        services.session_cancel(session=session, by=dx_staff, reason="x")
    assert CacheVersion.objects.filter(key=PUBLIC_CLASSES_CACHE).first() == before


def test_each_language_has_its_own_copy(client, make_session):
    make_session(title="スマホ入門")
    assert "定員10人のうち 残り10人" in _page(client)
    client.cookies["django_language"] = "en"
    english = _page(client)
    assert "10 of 10 places left" in english and "残り" not in english
