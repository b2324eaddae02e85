"""The pillar-3 KPIs of the DX policy (baseline 令和3年度 → target 令和7年度), as data.

Values from the policy table (ARCHITECTURE.md). The responsible section is a key
of the city file's [sections] table, so no section name is written here.
Facts are held by the system from 令和7年度 (FY2025, go-live); earlier years are
entered by hand with their source.
"""

from decimal import Decimal

from django.db import migrations

PERIOD = {
    "code": "dx-policy-2021",
    "name": "DX推進基本方針 施策の柱3（令和3年度〜令和7年度）",
    "name_en": "DX policy, pillar 3 (FY2021–FY2025)",
    "first_fiscal_year": 2021,
    "last_fiscal_year": 2025,
    "note": "基準値は令和3年度、目標値は令和7年度。",
}

KPIS = [
    {
        "code": "security-incidents",
        "sort_order": 10,
        "name": "情報セキュリティに関する重要事故の発生件数",
        "name_en": "Serious information-security incidents",
        "area": "security",
        "unit": "件",
        "unit_en": "incidents",
        "baseline_value": Decimal("0"),
        "target_value": Decimal("0"),
        "target_note": "0件を維持",
        "direction": "keep_zero",
        "aggregation": "per_year",
        "source_key": "kpi.serious_security_incidents",
        "section": "dx",
    },
    {
        "code": "security-training",
        "sort_order": 20,
        "name": "情報セキュリティ研修の延べ受講者数",
        "name_en": "Staff information-security training, total attendances",
        "area": "security",
        "unit": "人",
        "unit_en": "people",
        "baseline_value": Decimal("30"),
        "target_value": Decimal("150"),
        "direction": "increase",
        "aggregation": "cumulative",
        "source_key": "outreach.staff_security_training_attendees",
        "section": "dx",
    },
    {
        "code": "wifi-machines",
        "sort_order": 30,
        "name": "Wi-Fi機能付自動販売機の設置・運用台数",
        "name_en": "Vending machines with Wi-Fi installed and operating",
        "area": "community",
        "unit": "台",
        "unit_en": "machines",
        "baseline_value": Decimal("0"),
        "baseline_note": "なし",
        "target_value": Decimal("5"),
        "target_note": "5台以上",
        "direction": "increase",
        "aggregation": "year_end",
        "source_key": "wifi.machines_operating_at_year_end",
        "section": "dx",
    },
    {
        "code": "community-loans",
        "sort_order": 40,
        "name": "コミュニティ備品(デジタル対応)の延べ貸出団体数(年間)",
        "name_en": "Loans of digital-ready community equipment to groups (per year)",
        "area": "community",
        "unit": "団体",
        "unit_en": "groups",
        "baseline_value": Decimal("135"),
        "baseline_note": "令和3年10月末時点",
        "target_value": Decimal("250"),
        "direction": "increase",
        "aggregation": "per_year",
        "source_key": "lending.digital_loan_groups",
        "section": "lending",
    },
    {
        "code": "digital-classes",
        "sort_order": 50,
        "name": "デジタル活用講習会の参加人数",
        "name_en": "Participants in digital skills classes",
        "area": "divide",
        "unit": "人",
        "unit_en": "people",
        "baseline_value": Decimal("0"),
        "baseline_note": "なし",
        "target_value": Decimal("100"),
        "direction": "increase",
        "aggregation": "per_year",
        "source_key": "outreach.resident_class_participants",
        "section": "dx",
    },
]


def load(apps, schema_editor):
    PlanPeriod = apps.get_model("kpi", "PlanPeriod")
    KpiDefinition = apps.get_model("kpi", "KpiDefinition")
    period, _ = PlanPeriod.objects.get_or_create(code=PERIOD["code"], defaults=PERIOD)
    for kpi in KPIS:
        KpiDefinition.objects.get_or_create(
            period=period,
            code=kpi["code"],
            defaults={**kpi, "baseline_year": 2021, "target_year": 2025, "facts_since_year": 2025},
        )


def unload(apps, schema_editor):
    PlanPeriod = apps.get_model("kpi", "PlanPeriod")
    KpiDefinition = apps.get_model("kpi", "KpiDefinition")
    KpiDefinition.objects.filter(
        period__code=PERIOD["code"], code__in=[k["code"] for k in KPIS]
    ).delete()
    PlanPeriod.objects.filter(code=PERIOD["code"], kpis__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("kpi", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
