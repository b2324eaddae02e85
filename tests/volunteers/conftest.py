"""Factories for volunteer profiles (also used by the outreach sign-up tests)."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from core.roles import Role
from volunteers.models import TrainingRecord, VolunteerProfile, VolunteerSkill

_n = itertools.count(1)


def build_profile(make_user, *, status="approved", trained=False, skills=(), user=None, **extra):
    """A profile in ``status``; approved/active/paused ones have the volunteer role."""
    n = next(_n)
    if user is None:
        user = make_user(full_name=f"支援員 {n}")
    if status in ("approved", "active", "paused"):
        user.groups.add(Group.objects.get(name=Role.VOLUNTEER))
    now = timezone.now()
    profile = VolunteerProfile.objects.create(
        user=user,
        full_name=extra.pop("full_name", f"支援員 {n}号"),
        full_name_kana=extra.pop("full_name_kana", "しえんいん"),
        phone=extra.pop("phone", f"090-0000-{n:04d}"),
        affiliation=extra.pop("affiliation", "citizen"),
        privacy_consented_at=now,
        privacy_notice_version="2025-04",
        status=status,
        approved_at=None if status == "applied" else now,
        **extra,
    )
    for skill in skills:
        VolunteerSkill.objects.create(profile=profile, skill=skill)
    if trained:
        TrainingRecord.objects.create(
            profile=profile,
            course="デジタル活用支援員研修",
            completed_on=timezone.localdate() - timedelta(days=30),
        )
    return profile


@pytest.fixture
def make_profile(make_user):
    def _make(**kwargs) -> VolunteerProfile:
        return build_profile(make_user, **kwargs)

    return _make
