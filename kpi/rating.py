"""達成率 and 評価: pure functions of a KPI's definition and a value.

Defaults follow REFERENCE.md: gap-closing rate ((実績 − 基準) ÷ (目標 − 基準)),
grades S/A/B/C/− (S target reached, A above baseline, B baseline ±10%, C below
baseline, − not assessable). A keep-at-zero indicator is pass/fail, never a ratio.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NOT_ASSESSABLE = "−"
BASELINE_BAND = Decimal("0.10")


@dataclass(frozen=True)
class Rating:
    rate: Decimal | None  # a fraction (0.304 = 30.4%); None for pass/fail or not computable
    passed: bool | None  # keep-at-zero only
    grade: str


def achievement_rate(
    *, method: str, value: Decimal, baseline: Decimal, target: Decimal
) -> Decimal | None:
    if method == "plain":
        return None if target == 0 else value / target
    if target == baseline:
        return None
    return (value - baseline) / (target - baseline)


def grade_sabc(*, value: Decimal, baseline: Decimal, target: Decimal) -> str:
    if value >= target:
        return "S"
    band = abs(baseline) * BASELINE_BAND
    if value > baseline + band:
        return "A"
    if value < baseline - band:
        return "C"
    return "B"


def grade_abcd(rate: Decimal | None) -> str:
    if rate is None:
        return NOT_ASSESSABLE
    if rate >= Decimal("1.10"):
        return "A"
    if rate >= Decimal("0.80"):
        return "B"
    if rate >= Decimal("0.50"):
        return "C"
    return "D"


def rate_and_grade(
    *,
    direction: str,
    method: str,
    grading: str,
    value: Decimal | None,
    baseline: Decimal,
    target: Decimal,
) -> Rating:
    if value is None:
        return Rating(None, None, NOT_ASSESSABLE)
    if direction == "keep_zero":
        passed = value == 0
        best, worst = ("A", "D") if grading == "abcd" else ("S", "C")
        return Rating(None, passed, best if passed else worst)
    rate = achievement_rate(method=method, value=value, baseline=baseline, target=target)
    if grading == "abcd":
        return Rating(rate, None, grade_abcd(rate))
    return Rating(rate, None, grade_sabc(value=value, baseline=baseline, target=target))


def percent(rate: Decimal | None) -> Decimal | None:
    """30.4 for 0.30434…: one decimal, half up (how the sheets print it)."""
    if rate is None:
        return None
    return (rate * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
