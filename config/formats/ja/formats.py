# Dates as a Japanese office writes them: 2026年4月1日, 10:00. The short forms carry the
# weekday, as counter staff ask for it (core.fiscal.short_date; tables2 date columns).
DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y/m/d（D）"
DATETIME_FORMAT = "Y年n月j日 G:i"
SHORT_DATETIME_FORMAT = "Y/m/d（D）H:i"
TIME_FORMAT = "G:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
