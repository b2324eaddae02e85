"""Factories for the outreach class tests."""

import itertools
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from outreach.models import Application, ClassSession, Course, PhoneType, person_key_for

_counter = itertools.count(1)


def jst(*args) -> datetime:
    """An aware datetime in Asia/Tokyo: jst(2026, 3, 31, 23, 30)."""
    return datetime(*args, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def make_course(db):
    def _make(**extra) -> Course:
        n = next(_counter)
        defaults = {
            "code": f"course-{n}",
            "name": f"スマホ入門 {n}",
            "category": Course.Category.BASIC,
            "audience": Course.Audience.RESIDENTS,
        }
        defaults.update(extra)
        return Course.objects.create(**defaults)

    return _make


@pytest.fixture
def make_session(db, make_course, make_facility):
    def _make(*, starts_at=None, minutes: int = 120, **extra) -> ClassSession:
        starts_at = starts_at or timezone.now() + timedelta(days=14)
        if "course" not in extra:
            extra["course"] = make_course()
        if "venue" not in extra:
            extra["venue"] = make_facility()
        defaults = {
            "title": extra["course"].name,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=minutes),
            "capacity": 10,
            "status": ClassSession.Status.OPEN,
        }
        defaults.update(extra)
        return ClassSession.objects.create(**defaults)

    return _make


@pytest.fixture
def make_application(db):
    """A confirmed application written directly (services are tested on their own)."""

    def _make(session, *, name: str | None = None, phone: str | None = None, **extra):
        n = next(_counter)
        name = name or f"茂原 花子{n}"
        phone = phone or f"0475-20-{n:04d}"
        defaults = {
            "reference": str(90000000 + n),
            "name": name,
            "name_kana": "もばら はなこ",
            "phone": phone,
            "phone_type": PhoneType.ANDROID,
            "channel": Application.Channel.PHONE,
            "person_key": person_key_for(name, phone),
        }
        defaults.update(extra)
        app = Application.objects.create(session=session, **defaults)
        if app.status == Application.Status.CONFIRMED:
            ClassSession.objects.filter(pk=session.pk).update(
                confirmed_count=session.confirmed_count + 1
            )
            session.refresh_from_db()
        return app

    return _make
