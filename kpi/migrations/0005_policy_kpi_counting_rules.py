"""How to read each pillar-3 KPI: its counting rule and caveats, as data (policy text).

The 7-month baseline (135団体は10月末まで), the 延べ of the classes beside their 実人数,
the cumulative training total and the machines suspended on 31 March were each
defensible and each misread; the sheet now says so beside the figure. The reverse
empties the texts of these KPIs.
"""

from django.db import migrations

TEXTS = {
    "security-incidents": {
        "counting_rule": (
            "年度ごとの件数です。その年度（4月1日〜3月31日）に起きた重要な情報セキュリティ事故を"
            "数えます。"
        ),
        "counting_rule_en": (
            "A count per fiscal year: serious information-security incidents that occurred "
            "between 1 April and 31 March."
        ),
        "caveats": "重要でない事故は数えません（事故の記録簿には残ります）。",
        "caveats_en": "Incidents that are not serious are not counted (they stay in the register).",
    },
    "security-training": {
        "counting_rule": (
            "延べ人数の累計です。令和3年度の基準値に、その後の各年度の受講者数を足しています"
            "（同じ職員が2回受講すれば2人と数えます）。"
        ),
        "counting_rule_en": (
            "A cumulative count of attendances: each year's attendances added to the baseline "
            "of FY2021 (a member of staff who attended twice counts twice)."
        ),
        "caveats": (
            "その年度だけの受講者数ではありません。\n"
            "すべての職員が受講したかは、職員ごとの受講記録（未受講者の一覧）で確かめます。"
        ),
        "caveats_en": (
            "It is not the number of attendances of this year alone.\n"
            "Whether every member of staff has been trained is checked on the per-person "
            "record (the list of staff not yet trained)."
        ),
    },
    "wifi-machines": {
        "counting_rule": "年度末（3月31日）の時点で運用している台数です。",
        "counting_rule_en": "The number of machines operating on 31 March, the last day of the year.",
        "caveats": (
            "3月31日に工事などで休止していた機械は、翌日に再開しても数えません。"
        ),
        "caveats_en": (
            "A machine suspended on 31 March (for example for electrical work) is not counted, "
            "even when it ran again the next day."
        ),
    },
    "community-loans": {
        "counting_rule": (
            "年度ごとの延べ団体数です。デジタル対応備品を含む貸出1件を1団体と数え、"
            "最初にデジタル対応備品を渡した日の年度に数えます。"
        ),
        "counting_rule_en": (
            "A count of groups per fiscal year (延べ): each reservation that included a "
            "digital-ready item counts once, in the year its first digital-ready item went out."
        ),
        "caveats": (
            "基準値135団体は、令和3年度の4月から10月末までの7か月分です（年間の値ではありません）。\n"
            "デジタル対応かどうかは、貸し出した時点の区分で数えます。"
        ),
        "caveats_en": (
            "The baseline of 135 groups covers the seven months from April to the end of "
            "October FY2021, not a whole year.\n"
            "Whether an item is digital-ready is taken as it was when it went out."
        ),
    },
    "digital-classes": {
        "counting_rule": (
            "年度ごとの延べ人数です。その年度に開いた市民向け講習会の出席者を数えます"
            "（飛び入りを含み、2回参加した人は2人と数えます）。"
        ),
        "counting_rule_en": (
            "Attendances per fiscal year (延べ) at classes for residents, walk-ins included "
            "(a person who came twice counts twice)."
        ),
        "caveats": (
            "実人数（参加した人の数）を横に示します。名前と電話番号のわからない飛び入りは、"
            "1人ずつ別の人として数えます。"
        ),
        "caveats_en": (
            "The number of different people (実人数) is shown beside it; a walk-in without name "
            "and phone number counts as a person of their own."
        ),
    },
}


def fill(apps, schema_editor):
    KpiDefinition = apps.get_model("kpi", "KpiDefinition")
    for code, texts in TEXTS.items():
        KpiDefinition.objects.filter(period__code="dx-policy-2021", code=code).update(**texts)


def empty(apps, schema_editor):
    KpiDefinition = apps.get_model("kpi", "KpiDefinition")
    KpiDefinition.objects.filter(period__code="dx-policy-2021", code__in=TEXTS).update(
        counting_rule="", counting_rule_en="", caveats="", caveats_en=""
    )


class Migration(migrations.Migration):
    dependencies = [("kpi", "0004_kpi_counting_rule_and_caveats")]

    operations = [migrations.RunPython(fill, empty)]
