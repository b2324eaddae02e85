"""Benchmark volume of core: facilities and the people who use Tsunagu.

``manage.py generate_bench_data --scale N`` calls ``generate(scale, rng)`` here
first, then in every other app's ``bench_data`` module. The volume table and the
small helpers below are shared by those modules so all apps agree on how much
"N years" is. Everything is deterministic for a given seed and written with
``bulk_create`` in batches.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone

from core.demo import FACILITIES as DEMO_FACILITIES
from core.models import Facility, User
from core.roles import Role

BATCH_SIZE = 2_000
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - benchmark databases only
EMAIL_DOMAIN = "bench.example.jp"


@dataclass(frozen=True)
class Volume:
    """How much N years of Tsunagu is. N=10: 500 items, 300 organisations, 30,000
    loans, 2,500 class sessions, 50,000 applications, 10 Wi-Fi machines."""

    scale: int

    @property
    def years(self) -> int:
        return self.scale

    @property
    def items(self) -> int:
        return 50 * self.scale

    @property
    def organisations(self) -> int:
        # Most 自治会 exist from the start; civic groups join over the years.
        return 120 + 18 * self.scale

    @property
    def loans(self) -> int:
        return 3_000 * self.scale

    @property
    def sessions(self) -> int:
        return 250 * self.scale

    @property
    def applications(self) -> int:
        return 5_000 * self.scale

    @property
    def wifi_machines(self) -> int:
        return 10

    @property
    def volunteers(self) -> int:
        return 30 + 5 * self.scale

    @property
    def lending_staff(self) -> int:
        return 4

    @property
    def dx_staff(self) -> int:
        return 4

    @property
    def kiosks(self) -> int:
        return 2


def period(scale: int, today: date | None = None) -> tuple[date, date]:
    """The N years the data covers, ending today (inclusive)."""
    today = today or timezone.localdate()
    return today - timedelta(days=365 * scale), today


def random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def bulk_create(model: type[models.Model], objects: Iterable, batch_size: int = BATCH_SIZE):
    """Insert in batches; returns the created objects (with primary keys on PostgreSQL and SQLite)."""
    created = []
    batch = []
    for obj in objects:
        batch.append(obj)
        if len(batch) >= batch_size:
            created += model.objects.bulk_create(batch)
            batch = []
    if batch:
        created += model.objects.bulk_create(batch)
    return created


SURNAMES = [
    "佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤",
    "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水",
    "石井", "鶴岡", "川島", "大野", "白井", "秋葉", "麻生", "市原", "土屋", "森川",
]  # fmt: skip
GIVEN_NAMES = [
    "花子", "太郎", "幸子", "一郎", "和子", "茂", "洋子", "博", "恵子", "清",
    "節子", "勝", "美智子", "誠", "久美子", "進", "由美", "実", "明美", "健一",
]  # fmt: skip
DISTRICTS = ["茂原", "五郷", "豊田", "豊岡", "二宮", "本納", "新治", "鶴枝", "東郷", "中の島"]


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN_NAMES)}"


def bench_users(role: str) -> models.QuerySet:
    """The benchmark accounts of one role, in a stable order."""
    return User.objects.filter(groups__name=role, email__endswith=EMAIL_DOMAIN).order_by("pk")


def _facilities(rng: random.Random) -> list[Facility]:
    rows = []
    for data in DEMO_FACILITIES:
        rows.append(
            Facility(
                **data,
                available_days="月火水木金",
                opens_at=time(8, 30),
                closes_at=time(17, 15),
            )
        )
    # 集会所 of the 自治会: where classes are also held and Wi-Fi machines may stand.
    for i, district in enumerate(DISTRICTS * 2, start=1):
        rows.append(
            Facility(
                name=f"{district}地区 第{i}集会所",
                name_kana=f"チクシュウカイジョ{i}",
                kind=Facility.Kind.OTHER,
                address=f"千葉県茂原市{district}{rng.randint(1, 2000)}番地",
                available_days="月火水木金土日",
                opens_at=time(9, 0),
                closes_at=time(21, 0),
            )
        )
    return bulk_create(Facility, rows)


def _users(volume: Volume, rng: random.Random) -> dict[str, int]:
    password = make_password(BENCH_PASSWORD)  # hashed once, shared: creating 300 users stays fast
    wanted = [
        (Role.LENDING_STAFF, volume.lending_staff, "seikatsu"),
        (Role.DX_STAFF, volume.dx_staff, "somu"),
        (Role.VOLUNTEER, volume.volunteers, "volunteer"),
        (Role.ORG_REPRESENTATIVE, volume.organisations, "rep"),
        (Role.KIOSK, volume.kiosks, "kiosk"),
    ]
    joined = timezone.now() - timedelta(days=365 * volume.years)
    users, roles = [], []
    for role, count, prefix in wanted:
        for n in range(1, count + 1):
            name = f"返却キオスク {n}" if role == Role.KIOSK else person_name(rng)
            users.append(
                User(
                    email=f"{prefix}-{n:04d}@{EMAIL_DOMAIN}",
                    full_name=name,
                    password=password,
                    date_joined=joined,
                )
            )
            roles.append(role)
    created = bulk_create(User, users)
    groups = {group.name: group for group in Group.objects.all()}
    bulk_create(
        User.groups.through,
        (
            User.groups.through(user_id=user.pk, group_id=groups[role].pk)
            for user, role in zip(created, roles, strict=True)
        ),
    )
    bulk_create(
        EmailAddress,
        (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in created),
    )
    return {f"users ({role})": count for role, count, _prefix in wanted}


def generate(scale: int, rng: random.Random) -> dict[str, int]:
    volume = Volume(scale)
    counts = {"facilities": len(_facilities(rng))}
    counts.update(_users(volume, rng))
    return counts


def pick(rng: random.Random, population: Sequence, weights: Sequence[float] | None = None):
    """One element, optionally weighted (a few busy 自治会 borrow most)."""
    return rng.choices(population, weights=weights, k=1)[0]
