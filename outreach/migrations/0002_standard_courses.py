"""The standard course catalogue: the national curriculum (総務省 デジタル活用支援推進事業,
基本講座 and 応用講座), two common city courses and the staff security training.
Cities edit or retire courses in the admin; the reverse removes only unused ones."""

from django.db import migrations

COURSES = [
    # code, name, kana, category, audience, minutes, what to bring, order
    ("basic-power", "電源の入れ方・ボタン操作", "デンゲンノイレカタボタンソウサ", "basic", "residents", 120, "スマートフォン（お持ちの方）", 10),
    ("basic-phone-camera", "電話・カメラの使い方", "デンワカメラノツカイカタ", "basic", "residents", 120, "スマートフォン（お持ちの方）", 20),
    ("basic-internet", "インターネットの使い方", "インターネットノツカイカタ", "basic", "residents", 120, "スマートフォン（お持ちの方）", 30),
    ("basic-maps", "地図アプリの使い方", "チズアプリノツカイカタ", "basic", "residents", 120, "スマートフォン（お持ちの方）", 40),
    ("basic-line", "LINE・SNSの使い方", "ラインエスエヌエスノツカイカタ", "basic", "residents", 120, "スマートフォン、LINEのパスワード（お持ちの方）", 50),
    ("advanced-mynumber", "マイナンバーカードの申請", "マイナンバーカードノシンセイ", "advanced", "residents", 120, "スマートフォン、本人確認書類", 60),
    ("advanced-mynaportal", "マイナポータル・健康保険証利用登録・公金受取口座", "マイナポータルケンコウホケンショウリヨウトウロクコウキンウケトリコウザ", "advanced", "residents", 120, "スマートフォン、マイナンバーカード、暗証番号のメモ、通帳", 70),
    ("advanced-etax", "e-Taxの使い方", "イータックスノツカイカタ", "advanced", "residents", 120, "スマートフォン、マイナンバーカード、暗証番号のメモ", 80),
    ("advanced-medical", "医療機関のオンライン予約・受診", "イリョウキカンノオンラインヨヤクジュシン", "advanced", "residents", 120, "スマートフォン、診察券", 90),
    ("city-e-application", "市の電子申請の使い方", "シノデンシシンセイノツカイカタ", "city", "residents", 90, "スマートフォン", 100),
    ("city-cashless", "キャッシュレス決済の使い方", "キャッシュレスケッサイノツカイカタ", "city", "residents", 90, "スマートフォン", 110),
    ("staff-security", "情報セキュリティ研修", "ジョウホウセキュリティケンシュウ", "security_training", "staff", 90, "筆記用具", 200),
]


def create(apps, schema_editor):
    Course = apps.get_model("outreach", "Course")
    for code, name, kana, category, audience, minutes, bring, order in COURSES:
        Course.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_kana": kana,
                "category": category,
                "audience": audience,
                "typical_minutes": minutes,
                "what_to_bring": bring,
                "sort_order": order,
            },
        )


def remove(apps, schema_editor):
    Course = apps.get_model("outreach", "Course")
    Course.objects.filter(code__in=[c[0] for c in COURSES], sessions__isnull=True, series__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
