"""Demo data of the yearly review: the years before go-live entered by hand,
the sections' texts for 令和7年度, one (not serious) incident, and the 令和7年度
進行管理 taken to the end: the five measures' rows filled by their sections, the
DX board's meeting recorded, the year confirmed and published.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from core.models import User

from . import review
from .models import Incident, KpiComment, KpiDefinition, ManualValue, Measure, YearReview
from .services import comment_save, incident_record, manual_value_set, year_close

PERIOD = "dx-policy-2021"
EARLIER_INCIDENTS = [
    (
        date(2024, 7, 10),
        "loss",
        "human_error",
        "公民館でUSBメモリを一時紛失した（翌日発見、暗号化済み）。",
    ),
    (
        date(2025, 6, 18),
        "malware",
        "attack",
        "不審メールの添付ファイルを開いた（ウイルス対策ソフトが駆除、感染なし）。",
    ),
    (
        date(2025, 11, 5),
        "misdelivery",
        "human_error",
        "会議資料を別の課の職員に誤って送付した（庁内のみ）。",
    ),
    (
        date(2026, 5, 20),
        "misconfiguration",
        "procedure",
        "共有フォルダのアクセス権が課外の職員にも付いていた（閲覧記録なし）。",
    ),
]
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
    "security-training": (
        "新規採用職員研修と全職員向けeラーニングで受講者が増え、目標を上回った。",
        "未受講の職員を課ごとに把握し、受講を促す。",
    ),
    "wifi-machines": (
        "福祉センターと市民体育館に設置し、5台で運用している。",
        "利用状況を分析し、避難所となる施設への追加設置を検討する。",
    ),
}
# 令和7年度's check sheet: measure → (filled by, 実施状況, 実施内容, 自己評価, 課題, 今後の方向性,
# the DX board's decision and comment).
CHECKS_2025 = {
    "security-policy": (
        "somu@example.jp",
        "done",
        "国のガイドライン改定に合わせてポリシーを改定し、全課に周知した。",
        "on_track",
        "クラウドサービス利用時の基準が未整備。",
        "クラウド利用基準を追加する。",
        "continue",
        "改定内容の周知状況を次年度も確認すること。",
    ),
    "security-training": (
        "somu@example.jp",
        "done",
        "新規採用職員研修と全職員向けeラーニングを実施した。",
        "on_track",
        "会計年度任用職員の受講が少ない。",
        "受講状況を課ごとに把握し、未受講者に案内する。",
        "change",
        "受講者を個人単位で管理し、未受講者をなくす方法に見直すこと。",
    ),
    "public-wifi": (
        "somu@example.jp",
        "done",
        "福祉センターと市民体育館にWi-Fi機能付自動販売機を設置した。",
        "on_track",
        "避難所となる小中学校には未設置。",
        "利用状況を見て、避難所への設置を検討する。",
        "continue",
        "",
    ),
    "community-equipment": (
        "seikatsu@example.jp",
        "done",
        "タブレット・モバイルWi-Fiルーター・ビデオ会議セットを貸し出し、"
        "自治会連合会の会議で周知した。",
        "mostly",
        "貸出の少ない地区がある。",
        "貸出の少ない地区の自治会へ出前説明を行う。",
        "continue",
        "地区別の貸出状況を次回報告すること。",
    ),
    "digital-supporters": (
        "somu@example.jp",
        "partly",
        "支援員と公民館でスマホ教室を開催した。本納・豊田地区では開催できなかった。",
        "mostly",
        "参加の少ない地域がある。",
        "参加の少ない地域での開催を増やす。",
        "continue",
        "",
    ),
}
MEETING_2025 = date(2026, 5, 28)
DECISION_2025 = (
    "令和7年度の進行管理シートを了承し、公表する。研修の取り組みは個人単位の管理へ見直す。"
)


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
            category=Incident.Category.MISDELIVERY,
            cause=Incident.Cause.HUMAN_ERROR,
            summary=summary,
            response="送信先の職員が削除したことを確認し、送信前の宛先確認を課内で周知した。",
            resolved_on=day + timedelta(days=1),
        )
    # Earlier minor incidents, so the analysis by year, kind and cause has something to show.
    for day, category, cause, text in EARLIER_INCIDENTS:
        if day < timezone.localdate() and not Incident.objects.filter(summary=text).exists():
            incident_record(
                by=somu,
                occurred_on=day,
                severity=Incident.Severity.MINOR,
                category=category,
                cause=cause,
                summary=text,
                response="影響のないことを確認し、課内で注意を周知した。",
                resolved_on=day + timedelta(days=2),
            )
    reviewed = _review_2025(somu)
    if stdout:
        stdout.write(
            "kpi: manual values before go-live, 令和7年度 texts, one incident"
            + (", 令和7年度 reviewed and published" if reviewed else "")
        )


def _review_2025(somu) -> bool:
    """Take 令和7年度 through the review as the sections and 総務課 would. Idempotent."""
    if review.review_status(2025) == YearReview.Status.PUBLISHED:
        return True
    if somu is None or timezone.localdate() < MEETING_2025:
        return False
    measures = {m.code: m for m in Measure.objects.filter(period__code=PERIOD)}
    users = {
        u.email: u
        for u in User.objects.filter(email__in=["somu@example.jp", "seikatsu@example.jp"])
    }
    status = review.review_status(2025)
    if status == YearReview.Status.DRAFTING:
        for code, (
            email,
            progress,
            done,
            assessment,
            issues,
            direction,
            *_board,
        ) in CHECKS_2025.items():
            if code in measures:
                review.check_save(
                    measure=measures[code],
                    fiscal_year=2025,
                    data={
                        "progress": progress,
                        "done": done,
                        "assessment": assessment,
                        "issues": issues,
                        "direction": direction,
                    },
                    by=users.get(email, somu),
                )
        review.review_mark_filled(fiscal_year=2025, by=somu)
        status = YearReview.Status.FILLED
    if status == YearReview.Status.FILLED:
        review.board_record(
            fiscal_year=2025,
            meeting_date=MEETING_2025,
            decision=DECISION_2025,
            per_measure={
                m.pk: {"board_decision": CHECKS_2025[c][6], "board_comment": CHECKS_2025[c][7]}
                for c, m in measures.items()
                if c in CHECKS_2025
            },
            by=somu,
        )
        status = YearReview.Status.BOARD
    if status == YearReview.Status.BOARD:
        year_close(fiscal_year=2025, by=somu)
    review.review_publish(fiscal_year=2025, by=somu)
    return True
