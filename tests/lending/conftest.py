"""Factories for the lending tests."""

import itertools
from datetime import date

import pytest

from core.roles import Role
from lending.models import EquipmentType, Item, Membership, Organisation

_counter = itertools.count(1)

# A Wednesday well inside an ordinary month (no holidays near it), used as "today".
TODAY = date(2026, 6, 10)


@pytest.fixture
def make_org(db):
    def _make(name: str | None = None, **extra) -> Organisation:
        n = next(_counter)
        defaults = {
            "kind": Organisation.Kind.NEIGHBOURHOOD,
            "district": "本納地区",
            "representative_name": f"代表 {n}",
            "is_verified": True,
        }
        defaults.update(extra)
        return Organisation.objects.create(name=name or f"テスト自治会{n}", **defaults)

    return _make


@pytest.fixture
def make_type(db):
    def _make(name: str | None = None, **extra) -> EquipmentType:
        n = next(_counter)
        defaults = {"category": EquipmentType.Category.PROJECTOR, "is_digital_ready": True}
        defaults.update(extra)
        return EquipmentType.objects.create(name=name or f"プロジェクター{n}", **defaults)

    return _make


@pytest.fixture
def make_item(db, make_type):
    def _make(equipment_type: EquipmentType | None = None, **extra) -> Item:
        equipment_type = equipment_type or make_type()
        n = next(_counter)
        defaults = {
            "tag_number": f"MB-T-{n:04d}",
            "components": ["本体", "電源ケーブル"],
        }
        defaults.update(extra)
        return Item.objects.create(equipment_type=equipment_type, **defaults)

    return _make


@pytest.fixture
def make_rep(make_user):
    """make_rep(organisation) → a verified representative of that organisation."""

    def _make(organisation: Organisation, **extra):
        user = make_user(Role.ORG_REPRESENTATIVE, **extra)
        Membership.objects.create(
            organisation=organisation, user=user, status=Membership.Status.VERIFIED
        )
        return user

    return _make


def at(day: date, hour: int = 10, minute: int = 0):
    """An aware datetime on ``day`` in Japan time."""
    from datetime import datetime

    from django.utils import timezone

    return datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_default_timezone()
    )


@pytest.fixture
def book(lending_staff):
    """book(org, {type: qty}, pickup, ret, now=...) → a requested reservation (by staff for the group)."""
    from lending.services import reservation_request

    def _book(org, lines, pickup, ret, *, now=None, by=None, **extra):
        values = {
            "event_name": "防災訓練",
            "purpose": "地区の防災訓練で使います",
            "declaration": True,
        }
        values.update(extra)
        return reservation_request(
            organisation=org,
            pickup_date=pickup,
            return_date=ret,
            lines=lines,
            by=by or lending_staff,
            now=now or at(TODAY),
            **values,
        )

    return _book


@pytest.fixture
def frozen(monkeypatch):
    """Freeze "now" at 10:00 JST on TODAY (a Wednesday); returns a function to move it."""
    from django.utils import timezone

    current = {"now": at(TODAY)}
    monkeypatch.setattr(timezone, "now", lambda: current["now"])

    def move(value):
        current["now"] = value

    return move
