"""Demo volunteers: volunteer@example.jp approved and trained, and others in every state.

Idempotent: accounts are found by email and profiles by account. Names are invented.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from core.demo import DEMO_PASSWORD
from core.fiscal import current_fiscal_year, fiscal_year_dates
from core.models import User
from core.roles import Role
from volunteers.models import (
    Affiliation,
    Appointment,
    Skill,
    StaffNote,
    TrainingRecord,
    VolunteerProfile,
    VolunteerSkill,
)
from volunteers.services import privacy_notice_version

S = VolunteerProfile.Status
TRAINING_COURSE = "デジタル活用支援員研修（総務省）"

# email, name, kana, affiliation, detail, skills, weekdays, status, trained, appointed
VOLUNTEERS = [
    (
        "volunteer@example.jp",
        "支援員 一郎",
        "しえんいん いちろう",
        Affiliation.MANUFACTURER_OB,
        "元 電機メーカー技術者",
        [Skill.ANDROID, Skill.IPHONE, Skill.LINE, Skill.MYNUMBER_CARD],
        [0, 2, 4],
        S.ACTIVE,
        True,
        True,
    ),
    (
        "sato.hanako@example.jp",
        "佐藤 花子",
        "さとう はなこ",
        Affiliation.PHONE_SHOP,
        "携帯ショップ茂原店",
        [Skill.IPHONE, Skill.ANDROID, Skill.CASHLESS],
        [1, 3],
        S.ACTIVE,
        True,
        True,
    ),
    (
        "suzuki.kenji@example.jp",
        "鈴木 健二",
        "すずき けんじ",
        Affiliation.SILVER_CENTRE,
        "茂原市シルバー人材センター",
        [Skill.ANDROID, Skill.LINE],
        [0, 1, 2, 3, 4],
        S.ACTIVE,
        False,
        False,
    ),
    (
        "takahashi.yumi@example.jp",
        "高橋 由美",
        "たかはし ゆみ",
        Affiliation.CITIZEN,
        "",
        [Skill.LINE, Skill.MAPS],
        [2, 4],
        S.APPROVED,
        False,
        False,
    ),
    (
        "tanaka.makoto@example.jp",
        "田中 誠",
        "たなか まこと",
        Affiliation.CITY_STAFF,
        "総務課",
        [Skill.MYNAPORTAL, Skill.MYNUMBER_CARD, Skill.ONLINE_APPLICATION],
        [0, 4],
        S.APPROVED,
        True,
        True,
    ),
    (
        "ito.sachiko@example.jp",
        "伊藤 幸子",
        "いとう さちこ",
        Affiliation.CITIZEN,
        "",
        [Skill.IPHONE, Skill.LINE],
        [1],
        S.APPLIED,
        False,
        False,
    ),
    (
        "watanabe.taro@example.jp",
        "渡辺 太郎",
        "わたなべ たろう",
        Affiliation.PHONE_SHOP,
        "スマホショップ本納",
        [Skill.ANDROID, Skill.CASHLESS],
        [5],
        S.APPLIED,
        False,
        False,
    ),
    (
        "yamamoto.akira@example.jp",
        "山本 明",
        "やまもと あきら",
        Affiliation.MANUFACTURER_OB,
        "",
        [Skill.ANDROID, Skill.E_TAX],
        [0, 1],
        S.PAUSED,
        True,
        False,
    ),
    (
        "nakamura.kazuko@example.jp",
        "中村 和子",
        "なかむら かずこ",
        Affiliation.OTHER,
        "民生委員",
        [Skill.LINE],
        [3],
        S.LEFT,
        False,
        False,
    ),
]


def _account(email: str, name: str, status: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    group = Group.objects.get(name=Role.VOLUNTEER)
    if status in (S.APPROVED, S.ACTIVE, S.PAUSED):
        user.groups.add(group)
    else:
        user.groups.remove(group)
    return user


def seed(stdout=None) -> None:
    now = timezone.now()
    today = timezone.localdate()
    fy = current_fiscal_year()
    staff = User.objects.filter(email="somu@example.jp").first()
    for i, (email, name, kana, aff, detail, skills, days, status, trained, appointed) in enumerate(
        VOLUNTEERS
    ):
        user = _account(email, name, status)
        approved = status != S.APPLIED
        profile, created = VolunteerProfile.objects.get_or_create(
            user=user,
            defaults={
                "full_name": name,
                "full_name_kana": kana,
                "phone": f"0475-2{i}-31{i:02d}" if i % 2 == 0 else "",
                "affiliation": aff,
                "affiliation_detail": detail,
                "available_weekdays": days,
                "available_mornings": i % 3 != 1,
                "available_afternoons": i % 3 != 0,
                "privacy_consented_at": now - timedelta(days=400 - i * 30),
                "privacy_notice_version": privacy_notice_version(),
                "status": status,
                "approved_at": now - timedelta(days=380 - i * 30) if approved else None,
                "approved_by": staff if approved else None,
                "created_at": now - timedelta(days=400 - i * 30),
            },
        )
        if not created:
            continue
        for skill in skills:
            VolunteerSkill.objects.get_or_create(profile=profile, skill=skill)
        if trained:
            TrainingRecord.objects.get_or_create(
                profile=profile,
                course=TRAINING_COURSE,
                defaults={
                    "completed_on": today - timedelta(days=300 - i * 10),
                    "recorded_by": staff,
                },
            )
        if appointed:
            for year in (fy - 1, fy):
                Appointment.objects.get_or_create(
                    profile=profile,
                    fiscal_year=year,
                    defaults={"appointed_on": fiscal_year_dates(year)[0], "recorded_by": staff},
                )
        if status == S.PAUSED and staff:
            StaffNote.objects.get_or_create(
                profile=profile,
                text="ご家族の介護のため、当面お休み。来年度に再開の意向あり。",
                defaults={"written_by": staff},
            )
    if stdout:
        stdout.write(f"volunteers: {VolunteerProfile.objects.count()} volunteer profiles")
