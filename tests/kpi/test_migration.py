"""The data migration loads the five pillar-3 KPIs of the policy, and can be reversed."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from kpi.models import KpiDefinition, PlanPeriod

pytestmark = pytest.mark.django_db

migration = importlib.import_module("kpi.migrations.0002_load_policy_kpis")
measures_migration = importlib.import_module("kpi.migrations.0005_load_policy_measures")


def policy_kpis():
    return {k.code: k for k in KpiDefinition.objects.filter(period__code="dx-policy-2021")}


def test_the_five_policy_kpis_with_their_baselines_and_targets():
    period = PlanPeriod.objects.get(code="dx-policy-2021")
    assert (period.first_fiscal_year, period.last_fiscal_year) == (2021, 2025)
    kpis = policy_kpis()
    expected = {
        # code: (name, unit, baseline, target, direction, aggregation, source, section)
        "security-incidents": (
            "情報セキュリティに関する重要事故の発生件数",
            "件",
            0,
            0,
            "keep_zero",
            "per_year",
            "kpi.serious_security_incidents",
            "dx",
        ),
        "security-training": (
            "情報セキュリティ研修の延べ受講者数",
            "人",
            30,
            150,
            "increase",
            "cumulative",
            "outreach.staff_security_training_attendees",
            "dx",
        ),
        "wifi-machines": (
            "Wi-Fi機能付自動販売機の設置・運用台数",
            "台",
            0,
            5,
            "increase",
            "year_end",
            "wifi.machines_operating_at_year_end",
            "dx",
        ),
        "community-loans": (
            "コミュニティ備品(デジタル対応)の延べ貸出団体数(年間)",
            "団体",
            135,
            250,
            "increase",
            "per_year",
            "lending.digital_loan_groups",
            "lending",
        ),
        "digital-classes": (
            "デジタル活用講習会の参加人数",
            "人",
            0,
            100,
            "increase",
            "per_year",
            "outreach.resident_class_participants",
            "dx",
        ),
    }
    assert set(kpis) == set(expected)
    for code, (
        name,
        unit,
        baseline,
        target,
        direction,
        aggregation,
        source,
        section,
    ) in expected.items():
        kpi = kpis[code]
        assert (kpi.name, kpi.unit, kpi.baseline_value, kpi.target_value) == (
            name,
            unit,
            Decimal(baseline),
            Decimal(target),
        )
        assert (kpi.direction, kpi.aggregation, kpi.source_key, kpi.section) == (
            direction,
            aggregation,
            source,
            section,
        )
        assert (kpi.baseline_year, kpi.target_year) == (2021, 2025)
    assert kpis["community-loans"].baseline_note == "令和3年10月末時点"
    assert kpis["wifi-machines"].target_note == "5台以上"
    assert kpis["security-incidents"].target_note == "0件を維持"
    assert kpis["community-loans"].section_label == "生活課"
    assert kpis["digital-classes"].section_label == "総務課"


def test_every_policy_source_key_is_registered():
    from core.figures import declared_kpi_sources

    for kpi in policy_kpis().values():
        assert kpi.source_key in declared_kpi_sources()


def test_the_five_policy_measures_with_their_sections_and_kpis():
    from kpi.models import Measure

    measures = {m.code: m for m in Measure.objects.filter(period__code="dx-policy-2021")}
    expected = {
        # code: (name, 所管課, 関係課, KPIs)
        "security-policy": (
            "情報セキュリティポリシーの見直し",
            "総務課",
            "関係各課",
            {"security-incidents"},
        ),
        "security-training": (
            "セキュリティ研修の実施",
            "総務課",
            "職員課、関係各課",
            {"security-training", "security-incidents"},
        ),
        "public-wifi": ("公共施設等のWi-Fi整備", "関係各課", "総務課", {"wifi-machines"}),
        "community-equipment": (
            "コミュニティ備品（デジタル対応）の貸し出し",
            "生活課",
            "",
            {"community-loans"},
        ),
        "digital-supporters": (
            "デジタル活用支援員の活用促進",
            "総務課",
            "関係各課",
            {"digital-classes"},
        ),
    }
    assert set(measures) == set(expected)
    for code, (name, section, related, kpis) in expected.items():
        measure = measures[code]
        assert (measure.name, measure.section_label, measure.related_sections_label) == (
            name,
            section,
            related,
        )
        assert set(measure.kpis.values_list("code", flat=True)) == kpis
        assert measure.situation and measure.issues and measure.actions
    assert measures["security-training"].plan_for(2023) == "セキュリティ研修の実施"
    assert measures["community-equipment"].plan_for(2023) == ""  # the policy's 工程 is empty


def test_the_data_migration_reverses_and_reapplies():
    from kpi.models import Measure

    Measure.objects.all().delete()  # what migrating back past 0004 does (drops the table)
    migration.unload(apps, None)
    assert not PlanPeriod.objects.filter(code="dx-policy-2021").exists()
    migration.load(apps, None)
    migration.load(apps, None)  # idempotent
    measures_migration.load(apps, None)
    measures_migration.load(apps, None)
    assert Measure.objects.filter(period__code="dx-policy-2021").count() == 5
    assert len(policy_kpis()) == 5


def test_bench_data_adds_incidents_and_texts_for_each_year():
    import random

    from django.db.models import F

    from kpi.bench_data import generate
    from kpi.models import Incident, KpiComment

    counts = generate(2, random.Random("kpi"))
    assert counts["incidents"] == Incident.objects.count() >= 6
    assert counts["comments"] == KpiComment.objects.count() > 0
    assert not Incident.objects.filter(resolved_on__lt=F("occurred_on")).exists()


@pytest.mark.django_db(transaction=True)
def test_migrating_back_and_forth_unloads_and_reloads_the_policy():
    from django.core.management import call_command

    call_command("migrate", "kpi", "0001", verbosity=0)
    assert not KpiDefinition.objects.exists()
    call_command("migrate", "kpi", verbosity=0)
    assert len(policy_kpis()) == 5
    from kpi.models import Measure

    assert Measure.objects.filter(period__code="dx-policy-2021").count() == 5


def test_counting_rules_and_caveats_are_loaded_and_the_reverse_empties_them():
    texts = importlib.import_module("kpi.migrations.0005_policy_kpi_counting_rules")
    kpis = policy_kpis()
    assert all(k.counting_rule and k.counting_rule_en for k in kpis.values())
    assert "10月末までの7か月分" in kpis["community-loans"].caveats
    assert kpis["security-training"].counting_rule.startswith("延べ人数の累計")
    assert "休止" in kpis["wifi-machines"].caveats
    texts.empty(apps, None)
    assert not any(k.counting_rule or k.caveats for k in policy_kpis().values())
    texts.fill(apps, None)
    assert policy_kpis()["digital-classes"].caveats.startswith("実人数")
