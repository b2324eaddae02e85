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
