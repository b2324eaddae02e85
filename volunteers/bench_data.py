"""Benchmark volume of volunteers: a profile for every benchmark volunteer account."""

import random
from datetime import timedelta

from django.utils import timezone

from core.bench_data import bench_users, bulk_create
from core.roles import Role
from volunteers.models import Affiliation, VolunteerProfile


def generate(scale: int, rng: random.Random) -> dict[str, int]:
    now = timezone.now()
    affiliations = [a.value for a in Affiliation]
    profiles = bulk_create(
        VolunteerProfile,
        (
            VolunteerProfile(
                user=user,
                full_name=user.full_name,
                full_name_kana="しえんいん",
                phone=f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                affiliation=rng.choice(affiliations),
                available_weekdays=rng.sample([0, 1, 2, 3, 4], k=rng.randint(1, 3)),
                available_mornings=rng.random() < 0.7,
                available_afternoons=rng.random() < 0.5,
                privacy_consented_at=now - timedelta(days=rng.randint(30, 365 * scale)),
                privacy_notice_version="2025-04",
                status=rng.choice(
                    [VolunteerProfile.Status.ACTIVE] * 4 + [VolunteerProfile.Status.APPROVED]
                ),
                approved_at=now - timedelta(days=rng.randint(1, 365 * scale)),
            )
            for user in bench_users(Role.VOLUNTEER)
        ),
    )
    return {"volunteer profiles": len(profiles)}
