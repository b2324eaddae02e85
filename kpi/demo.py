"""Demo data of the yearly review: the years before go-live entered by hand,
the sections' texts for 令和7年度 and one (not serious) incident.

No year is closed here: a closed year is best shown by closing it in the demo
and then adding a record, so the difference appears.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.models import User

from .models import Incident, KpiComment, KpiDefinition, ManualValue
from .services import comment_save, incident_record, manual_value_set

PERIOD = "dx-policy-2021"
SOURCE_NOTE = "各年度の進行管理シート（紙）より転記"
# Each year's own number before the system was in use (令和4〜6年度).
MANUAL = {
    "security-incidents": {2022: 0, 2023: 0, 2024: 0},
    "security-training": {2022: 28, 2023: 31, 2024: 27},
    "wifi-machines": {2022: 1, 2023: 2, 2024: 3},
    "community-loans": {2022: 160, 2023: 182, 2024: 205},
    "digital-classes": {2022: 24, 2023: 48, 2024: 66},
}
TEXTS_2025 = {
    "community-loans": (
        "タブレットとモバイルWi-Fiルーターの貸出が自治会の総会・防災訓練で定着し、"
        "予約の電子化で申請から貸出までの期間が短くなった。",
        "貸出実績の少ない地区の自治会へ出前説明を行い、ビデオ会議セットを追加する。",
    ),
    "digital-classes": (
        "公民館でのスマホ教室を支援員と共同で開催し、マイナンバーカード関連の講座に参加が集中した。",
        "本納・豊田地区など参加の少ない地域での開催を増やし、LINEと地図アプリの基本講座を拡充する。",
    ),
    "security-incidents": (
        "重要事故は発生しなかった。標的型メール訓練の開封率は前年度より低下した。",
        "全職員研修と訓練を継続し、USBメモリ等の持ち出し手順を見直す。",
    ),
}


def seed(stdout=None) -> None:
    somu = User.objects.filter(email="somu@example.jp").first()
    kpis = {k.code: k for k in KpiDefinition.objects.filter(period__code=PERIOD)}
    for code, years in MANUAL.items():
        kpi = kpis.get(code)
        if kpi is None:
            continue
        for year, value in years.items():
            if (
                kpi.has_facts_for(year)
                or ManualValue.objects.filter(kpi=kpi, fiscal_year=year).exists()
            ):
                continue
            manual_value_set(
                kpi=kpi, fiscal_year=year, value=Decimal(value), note=SOURCE_NOTE, by=somu
            )
    for code, (analysis, outlook) in TEXTS_2025.items():
        kpi = kpis.get(code)
        if kpi is None or KpiComment.objects.filter(kpi=kpi, fiscal_year=2025).exists():
            continue
        comment_save(kpi=kpi, fiscal_year=2025, analysis=analysis, outlook=outlook, by=somu)
    summary = "職員1名が業務用メールを誤って別の職員宛に送信した（庁内のみ、個人情報なし）。"
    if not Incident.objects.filter(summary=summary).exists():
        day = timezone.localdate() - timedelta(days=40)
        incident_record(
            by=somu,
            occurred_on=day,
            severity=Incident.Severity.MINOR,
            summary=summary,
            response="送信先の職員が削除したことを確認し、送信前の宛先確認を課内で周知した。",
            resolved_on=day + timedelta(days=1),
        )
    if stdout:
        stdout.write("kpi: manual values before go-live, 令和7年度 texts, one incident")
