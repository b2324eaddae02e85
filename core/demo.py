"""Demo data of core: public facilities of Mobara and the demo accounts.

Idempotent: everything is found by a natural key (name, email) and created once.
Addresses and coordinates are close to the real ones but must be checked before
anything here is used as real data.
"""

from datetime import time
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group

from core.models import Facility, Invitation, User
from core.roles import Role

DEMO_PASSWORD = "tsunagu-demo"  # noqa: S105 - demo only; seed_demo refuses to run without DEBUG

DEMO_ACCOUNTS = [
    ("seikatsu@example.jp", "生活課 窓口 花子", Role.LENDING_STAFF),
    ("somu@example.jp", "総務課 DX推進係 太郎", Role.DX_STAFF),
    ("volunteer@example.jp", "支援員 一郎", Role.VOLUNTEER),
    ("jichikai@example.jp", "自治会 代表 幸子", Role.ORG_REPRESENTATIVE),
    ("kiosk@example.jp", "返却キオスク 1", Role.KIOSK),
]

# Roles some demo accounts hold besides their own: 総務課 also runs the staff accounts,
# and the 生活課 account is the desk's lead (it may change the lending rules).
DEMO_EXTRA_ROLES = {
    "somu@example.jp": [Role.ADMINISTRATOR],
    "seikatsu@example.jp": [Role.LENDING_LEAD],
}
# An invitation waiting for sign-up, so the demo shows the 管理者's list with one in it.
DEMO_INVITATION = {
    "email": "shinnin@example.jp",
    "full_name": "生活課 新任 次郎",
    "roles": [Role.LENDING_STAFF],
}

WEEKDAYS = "月火水木金"

FACILITIES = [
    {
        "name": "茂原市役所",
        "name_kana": "モバラシヤクショ",
        "name_en": "Mobara City Hall",
        "kind": Facility.Kind.CITY_HALL,
        "address": "千葉県茂原市道表1番地",
        "latitude": Decimal("35.428500"),
        "longitude": Decimal("140.288000"),
        "phone": "0475-23-2111",
        "barrier_free": "車椅子対応トイレ;スロープ;エレベーター;オストメイト対応トイレ",
        "description": "市の本庁舎。生活課の備品貸出窓口は1階です。",
    },
    {
        "name": "茂原市中央公民館",
        "name_kana": "モバラシチュウオウコウミンカン",
        "name_en": "Mobara Central Community Centre",
        "kind": Facility.Kind.COMMUNITY_CENTRE,
        "address": "千葉県茂原市高師1345番地1",
        "latitude": Decimal("35.421300"),
        "longitude": Decimal("140.293600"),
        "phone": "0475-22-3361",
        "barrier_free": "車椅子対応トイレ;スロープ;エレベーター",
        "description": "講座室・会議室があり、スマホ教室の主な会場です。",
    },
    {
        "name": "茂原市本納公民館",
        "name_kana": "モバラシホンノウコウミンカン",
        "name_en": "Honno Community Centre",
        "kind": Facility.Kind.COMMUNITY_CENTRE,
        "address": "千葉県茂原市本納1650番地",
        "latitude": Decimal("35.465800"),
        "longitude": Decimal("140.324900"),
        "phone": "0475-34-2028",
        "barrier_free": "車椅子対応トイレ;スロープ",
        "description": "本納地区の公民館。",
    },
    {
        "name": "茂原市豊田公民館",
        "name_kana": "モバラシトヨダコウミンカン",
        "name_en": "Toyoda Community Centre",
        "kind": Facility.Kind.COMMUNITY_CENTRE,
        "address": "千葉県茂原市上永吉1181番地",
        "latitude": Decimal("35.398200"),
        "longitude": Decimal("140.262500"),
        "phone": "0475-24-6031",
        "barrier_free": "スロープ",
        "description": "豊田地区の公民館。",
    },
    {
        "name": "茂原市東郷公民館",
        "name_kana": "モバラシトウゴウコウミンカン",
        "name_en": "Togo Community Centre",
        "kind": Facility.Kind.COMMUNITY_CENTRE,
        "address": "千葉県茂原市上林283番地",
        "latitude": Decimal("35.417700"),
        "longitude": Decimal("140.317400"),
        "phone": "0475-22-5005",
        "barrier_free": "車椅子対応トイレ;スロープ",
        "description": "東郷地区の公民館。",
    },
    {
        "name": "茂原市二宮公民館",
        "name_kana": "モバラシニノミヤコウミンカン",
        "name_en": "Ninomiya Community Centre",
        "kind": Facility.Kind.COMMUNITY_CENTRE,
        "address": "千葉県茂原市大芝395番地",
        "latitude": Decimal("35.440100"),
        "longitude": Decimal("140.270300"),
        "phone": "0475-25-1221",
        "barrier_free": "スロープ",
        "description": "二宮地区の公民館。",
    },
    {
        "name": "茂原市立図書館",
        "name_kana": "モバラシリツトショカン",
        "name_en": "Mobara City Library",
        "kind": Facility.Kind.LIBRARY,
        "address": "千葉県茂原市高師1345番地1",
        "latitude": Decimal("35.421500"),
        "longitude": Decimal("140.293300"),
        "phone": "0475-25-0055",
        "barrier_free": "車椅子対応トイレ;エレベーター;拡大読書器",
        "description": "市立図書館。",
    },
    {
        "name": "茂原市総合市民センター",
        "name_kana": "モバラシソウゴウシミンセンター",
        "name_en": "Mobara Civic Centre",
        "kind": Facility.Kind.WELFARE,
        "address": "千葉県茂原市町保13番地20",
        "latitude": Decimal("35.423900"),
        "longitude": Decimal("140.279100"),
        "phone": "0475-20-1528",
        "barrier_free": "車椅子対応トイレ;スロープ;エレベーター",
        "description": "福祉・子育て・市民活動の拠点。",
    },
]


def seed_facilities() -> list[Facility]:
    facilities = []
    for data in FACILITIES:
        defaults = {
            **data,
            "available_days": WEEKDAYS,
            "opens_at": time(8, 30),
            "closes_at": time(17, 15),
            "availability_notes": "土日祝日・年末年始（12月29日～1月3日）は休み",
        }
        name = defaults.pop("name")
        facility, _created = Facility.objects.get_or_create(name=name, defaults=defaults)
        facilities.append(facility)
    return facilities


def seed_accounts() -> dict[str, User]:
    users = {}
    for email, full_name, role in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=full_name
            )
        user.groups.add(Group.objects.get(name=role))
        for extra in DEMO_EXTRA_ROLES.get(email, []):
            user.groups.add(Group.objects.get(name=extra))
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[role] = user
    return users


def seed_invitation(users: dict[str, User]) -> None:
    from core.services import invitation_send

    if not Invitation.objects.filter(email=DEMO_INVITATION["email"]).exists():
        invitation_send(by=users[Role.DX_STAFF], **DEMO_INVITATION)


def seed(stdout=None) -> None:
    seed_facilities()
    users = seed_accounts()
    seed_invitation(users)
    seed_outbox(stdout)


# --- the outbox ------------------------------------------------------------------------------

# Demo addresses on this domain bounce: the outbox shows a failed message to retry.
UNDELIVERABLE_DOMAIN = "@bounce.invalid"
DEMO_BOUNCE = "550 5.1.1 <{address}>: Recipient address rejected: User unknown"

DEMO_NOTICE_RECIPIENTS = [
    # (section, name, furigana, email, phone, postal code, address, postcard)
    # (佐々木 幸子's call comes from the classes' demo: she moves up from the waiting list.)
    ("dx", "斎藤 節子", "サイトウ セツコ", "", "0475-22-7310", "", "", False),
    ("dx", "高橋 勇", "タカハシ イサム", "", "0475-24-7702", "", "", False),
    (
        "dx",
        "伊藤 和子",
        "イトウ カズコ",
        "",
        "0475-23-1890",
        "297-0022",
        "千葉県茂原市町保3-5",
        True,
    ),
    ("dx", "山本 健", "ヤマモト ケン", "yamamoto@example.jp", "", "", "", False),
    ("dx", "中村 美咲", "ナカムラ ミサキ", "misaki" + UNDELIVERABLE_DOMAIN, "", "", "", False),
    ("lending", "小林 正", "コバヤシ タダシ", "", "0475-34-5521", "", "", False),
    ("lending", "加藤 直美", "カトウ ナオミ", "kato@example.jp", "", "", "", False),
]


def seed_outbox(stdout=None) -> int:
    """Generic notices (no app event needed): e-mails, calls for each section, a postcard."""
    from core.messaging import Recipient, send_message

    centre = Facility.objects.get(name="茂原市中央公民館")
    recorded = 0
    for section in ("dx", "lending"):
        people = [r for r in DEMO_NOTICE_RECIPIENTS if r[0] == section]
        recorded += send_message(
            event="core.notice.sent",
            template="core/messages/notice",
            recipients=[
                Recipient(
                    kind=Recipient.OTHER,
                    name=name,
                    name_kana=kana,
                    email=email,
                    phone=phone,
                    postal_code=postal_code,
                    address=address,
                    channel="postcard" if postcard else "",
                )
                for _section, name, kana, email, phone, postal_code, address, postcard in people
            ],
            context={
                "title": "中央公民館の臨時休館のお知らせ",
                "text": "設備点検のため、中央公民館は来月の第2月曜日に臨時休館します。"
                "この日に予定していた教室・受け取りは、担当からご連絡します。",
                "section_name": settings.TSUNAGU["sections"][section],
            },
            about=centre,
            section=section,
        )
    return recorded


def settle_outbox() -> None:
    """The demo's e-mails count as delivered when they were recorded (nothing floods the
    console); those to ``UNDELIVERABLE_DOMAIN`` bounced. Calls and postcards of today stay
    open; those of earlier days (the apps' demo history: loans approved weeks ago) were
    made back then.

    seed_demo runs this after every app's demo, so messages from the apps' own events
    (approvals, waiting-list moves) land in the same state."""
    from datetime import datetime, time

    from django.db.models import F
    from django.utils import timezone

    from core.models import Message

    today = datetime.combine(timezone.localdate(), time.min, tzinfo=timezone.get_current_timezone())
    earlier = Message.objects.filter(created_at__lt=today)
    for status, done in (
        (Message.Status.TO_CALL, Message.Status.CALLED),
        (Message.Status.TO_POST, Message.Status.POSTED),
    ):
        earlier.filter(status=status).update(
            status=done, attempts=1, sent_at=F("created_at"), last_attempt_at=F("created_at")
        )

    queued = Message.objects.filter(channel="email", status=Message.Status.QUEUED)
    for message in queued.filter(email__endswith=UNDELIVERABLE_DOMAIN):
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.FAILED,
            attempts=settings.TSUNAGU_MESSAGE_MAX_ATTEMPTS,
            last_attempt_at=F("created_at"),
            next_attempt_at=None,
            last_error=DEMO_BOUNCE.format(address=message.email),
        )
    queued.update(
        status=Message.Status.SENT,
        attempts=1,
        sent_at=F("created_at"),
        last_attempt_at=F("created_at"),
    )
