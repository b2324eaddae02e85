"""達成率 and 評価 rules against numbers worked out by hand."""

from decimal import Decimal as D

from kpi.rating import achievement_rate, grade_abcd, grade_sabc, percent, rate_and_grade


def test_gap_closing_rate_measures_the_share_of_the_gap_closed():
    # 135 → 250 with 170 actual: (170 − 135) / (250 − 135) = 35 / 115 = 0.3043… → 30.4%
    rate = achievement_rate(method="gap", value=D(170), baseline=D(135), target=D(250))
    assert percent(rate) == D("30.4")


def test_plain_rate_is_actual_over_target():
    # 170 / 250 = 0.68 → 68.0%
    assert percent(
        achievement_rate(method="plain", value=D(170), baseline=D(135), target=D(250))
    ) == D("68.0")


def test_rate_is_not_computable_when_target_equals_baseline_or_is_zero():
    assert achievement_rate(method="gap", value=D(3), baseline=D(5), target=D(5)) is None
    assert achievement_rate(method="plain", value=D(3), baseline=D(0), target=D(0)) is None


def test_rate_rounds_half_up_to_one_decimal():
    # (1 − 0) / (8 − 0) = 0.125 → 12.5; 1/1600 = 0.000625 → 0.0625% → 0.1
    assert percent(D("0.125")) == D("12.5")
    assert percent(D("0.000625")) == D("0.1")


def test_sabc_grades_follow_the_reference_table():
    # baseline 100, target 200: band is ±10 around 100
    assert grade_sabc(value=D(200), baseline=D(100), target=D(200)) == "S"
    assert grade_sabc(value=D(111), baseline=D(100), target=D(200)) == "A"
    assert grade_sabc(value=D(110), baseline=D(100), target=D(200)) == "B"
    assert grade_sabc(value=D(90), baseline=D(100), target=D(200)) == "B"
    assert grade_sabc(value=D(89), baseline=D(100), target=D(200)) == "C"


def test_sabc_with_a_baseline_of_none_is_b_only_at_zero():
    assert grade_sabc(value=D(0), baseline=D(0), target=D(5)) == "B"
    assert grade_sabc(value=D(1), baseline=D(0), target=D(5)) == "A"
    assert grade_sabc(value=D(5), baseline=D(0), target=D(5)) == "S"


def test_abcd_grades_by_rate_edges():
    assert grade_abcd(D("1.10")) == "A"
    assert grade_abcd(D("1.0999")) == "B"
    assert grade_abcd(D("0.80")) == "B"
    assert grade_abcd(D("0.7999")) == "C"
    assert grade_abcd(D("0.50")) == "C"
    assert grade_abcd(D("0.4999")) == "D"
    assert grade_abcd(None) == "−"


def test_keep_at_zero_is_pass_fail_never_a_ratio():
    kept = rate_and_grade(
        direction="keep_zero", method="gap", grading="sabc", value=D(0), baseline=D(0), target=D(0)
    )
    broken = rate_and_grade(
        direction="keep_zero", method="gap", grading="sabc", value=D(1), baseline=D(0), target=D(0)
    )
    assert (kept.rate, kept.passed, kept.grade) == (None, True, "S")
    assert (broken.rate, broken.passed, broken.grade) == (None, False, "C")
    abcd = rate_and_grade(
        direction="keep_zero",
        method="plain",
        grading="abcd",
        value=D(2),
        baseline=D(0),
        target=D(0),
    )
    assert (abcd.rate, abcd.passed, abcd.grade) == (None, False, "D")


def test_missing_value_is_not_assessable():
    rating = rate_and_grade(
        direction="increase", method="gap", grading="sabc", value=None, baseline=D(1), target=D(2)
    )
    assert (rating.rate, rating.passed, rating.grade) == (None, None, "−")
