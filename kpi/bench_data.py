"""Benchmark volume of the yearly review: N years of incidents in the register and the
sections' texts for every year of the policy period (called by ``generate_bench_data``).

The KPI values themselves come from the other apps' facts, so the sheet's cost is
measured against their volume; this only adds what 総務課 keeps in the kpi app.
"""

import random
from datetime import timedelta

from django.utils import timezone

from core.fiscal import current_fiscal_year, fiscal_year_dates

from .models import Incident, KpiComment, KpiDefinition

SUMMARIES = [
    ("minor", "業務用メールの宛先誤り（庁内のみ）"),
    ("minor", "標的型攻撃メール訓練で添付ファイルを開封"),
    ("minor", "USBメモリの一時所在不明（当日中に発見）"),
    ("serious", "委託先でのアカウント不正利用の疑い"),
]


def generate(scale: int, rng: random.Random) -> dict[str, int]:
    today = timezone.localdate()
    last = current_fiscal_year()
    incidents = []
    for fiscal_year in range(last - scale + 1, last + 1):
        first_day, last_day = fiscal_year_dates(fiscal_year)
        last_day = min(last_day, today)
        span = (last_day - first_day).days
        for _ in range(rng.randint(3, 8)):
            severity, summary = rng.choice(SUMMARIES[:3])
            if rng.random() < 0.05:
                severity, summary = SUMMARIES[3]
            occurred = first_day + timedelta(days=rng.randint(0, max(span, 0)))
            incidents.append(
                Incident(
                    occurred_on=occurred,
                    severity=severity,
                    summary=summary,
                    response="所属長へ報告し、再発防止策を課内で共有した。",
                    resolved_on=min(occurred + timedelta(days=rng.randint(0, 14)), today),
                )
            )
    Incident.objects.bulk_create(incidents, batch_size=2_000)
    comments = []
    for kpi in KpiDefinition.objects.all():
        for fiscal_year in range(kpi.baseline_year + 1, min(kpi.target_year, last) + 1):
            comments.append(
                KpiComment(
                    kpi=kpi,
                    fiscal_year=fiscal_year,
                    analysis="実績の増減の要因を記載する。",
                    outlook="次年度の取組を記載する。",
                )
            )
    KpiComment.objects.bulk_create(comments, batch_size=2_000, ignore_conflicts=True)
    return {"incidents": len(incidents), "comments": len(comments)}


__all__ = ["generate"]
